using TorchSharp;
using TorchSharp.Modules;
using TorchTutorial.Output;
using TorchTutorial.Modules;
using TorchTutorial.Python;
using TorchTutorial.Tests.Python;
using static TorchSharp.torch;

namespace TorchTutorial.Tests.Modules;

public sealed class PolynomialModuleTests
{
    [Test]
    public void Polynomial3_HasFourScalarParametersNamedABCD()
    {
        using var model = new Polynomial3();

        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        Assert.That(shapes, Is.EqualTo(new Dictionary<string, long[]> { ["a"] = [], ["b"] = [], ["c"] = [], ["d"] = [] }));
    }

    [Test]
    public void Polynomial3_DrawsABCDInOrder_AsPyTorchsRandnDoes()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var expected = new[] { randn([]).ToDouble(), randn([]).ToDouble(), randn([]).ToDouble(), randn([]).ToDouble() };
        manual_seed(0);
        using var model = new Polynomial3();

        Assert.That(new[] { model.A, model.B, model.C, model.D }.Select(p => p.ToDouble()), Is.EqualTo(expected));
    }

    [Test]
    public void Polynomial3_ForwardIsTheCubic()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var model = new Polynomial3(dtype: ScalarType.Float64);
        var x = linspace(-2, 2, 9, dtype: ScalarType.Float64);
        var (a, b, c, d) = (model.A.ToDouble(), model.B.ToDouble(), model.C.ToDouble(), model.D.ToDouble());

        var expected = x.data<double>().ToArray().Select(v => a + b * v + c * v * v + d * v * v * v);

        Assert.That(model.forward(x).data<double>().ToArray(), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void Polynomial3_Formula_IsTheTutorialsString()
    {
        using var model = new Polynomial3(dtype: ScalarType.Float64);
        using (no_grad())
        {
            model.A.fill_(0.5);
            model.B.fill_(-1.5e-05);
            model.C.fill_(2.0);
            model.D.fill_(-0.09);
        }

        Assert.Multiple(() =>
        {
            Assert.That(model.Formula(PythonFloat.Repr), Is.EqualTo("y = 0.5 + -1.5e-05 x + 2.0 x^2 + -0.09 x^3"));
            Assert.That(model.Formula(), Is.EqualTo("y = 0.5 + -1.5E-05 x + 2 x^2 + -0.09 x^3"), "round-trip formatting without a formatter");
        });
    }

    [Test]
    public void DynamicPolynomial_HasFiveScalarParametersNamedAToE()
    {
        using var model = new DynamicPolynomial();

        Assert.That(model.named_parameters().Select(p => (p.name, p.parameter.shape.Length)),
            Is.EqualTo(new[] { ("a", 0), ("b", 0), ("c", 0), ("d", 0), ("e", 0) }));
    }

    [Test]
    public void DynamicPolynomial_DrawsItsTermsAsTheScriptsRangeOfRandomRandint4To6Does()
    {
        using var scope = NewDisposeScope();
        using var model = new DynamicPolynomial(new PythonRandom(4242));
        var x = linspace(-1, 1, 5);
        // random.seed(4242); for exp in range(4, random.randint(4, 6)): one draw per forward pass, drawn - 4 terms.
        long[] python = PythonRandomFixture.RandIntDraws(4242, 4, 6);

        var terms = new List<long>();
        for (int i = 0; i < python.Length; i++)
        {
            model.forward(x);
            terms.Add(model.LastExtraTerms);
        }

        Assert.Multiple(() =>
        {
            Assert.That(terms, Is.EqualTo(python.Select(drawn => drawn - 4)), "range(4, randint(4, 6)) adds randint(4, 6) - 4 terms");
            Assert.That(terms.Distinct().Order(), Is.EqualTo(new long[] { 0, 1, 2 }));
            Assert.That(model.parameters().Count(), Is.EqualTo(5), "five Parameters, whatever the degree");
        });
    }

    [Test]
    public void DynamicPolynomial_TheDrawnNumberOfTermsIsTheOneTheForwardPassUses()
    {
        using var scope = NewDisposeScope();
        using var model = new DynamicPolynomial(new PythonRandom(1), dtype: ScalarType.Float64);
        var x = linspace(-1, 1, 5, dtype: ScalarType.Float64);

        for (int i = 0; i < 20; i++)
        {
            var drawn = model.forward(x);
            Assert.That(drawn.equal(model.forward(x, model.LastExtraTerms)).all().item<bool>(), Is.True, $"pass {i}");
        }
    }

    [Test]
    public void DynamicPolynomial_AtAFixedNumberOfTerms_AddsEXToTheFourthAndFifth()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var model = new DynamicPolynomial(dtype: ScalarType.Float64);
        var x = linspace(-2, 2, 9, dtype: ScalarType.Float64);
        var e = model.E.ToDouble();

        var cubic = model.forward(x, 0);
        Assert.Multiple(() =>
        {
            Assert.That((model.forward(x, 1) - cubic).allclose(e * x.pow(4), rtol: 1e-12, atol: 1e-12), Is.True);
            Assert.That((model.forward(x, 2) - cubic).allclose(e * x.pow(4) + e * x.pow(5), rtol: 1e-12, atol: 1e-12), Is.True);
            Assert.Throws<ArgumentOutOfRangeException>(() => model.forward(x, 3));
            Assert.Throws<ArgumentOutOfRangeException>(() => model.forward(x, -1));
        });
    }

    [Test]
    public void DynamicPolynomial_Formula_RepeatsEForXToTheFourthAndFifth()
    {
        using var model = new DynamicPolynomial(dtype: ScalarType.Float64);
        using (no_grad())
        {
            foreach (var (p, value) in model.parameters().Zip(new[] { 0.25, 1.0, -0.5, 0.125, 3e-06 }))
            {
                p.fill_(value);
            }
        }

        Assert.That(model.Formula(PythonFloat.Repr), Is.EqualTo("y = 0.25 + 1.0 x + -0.5 x^2 + 0.125 x^3 + 3e-06 x^4 ? + 3e-06 x^5 ?"));
    }
}
