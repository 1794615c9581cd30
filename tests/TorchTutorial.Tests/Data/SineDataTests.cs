using TorchSharp;
using TorchTutorial.Data;
using static TorchSharp.torch;

namespace TorchTutorial.Tests.Data;

public sealed class SineDataTests
{
    [TestCase(ScalarType.Float32)]
    [TestCase(ScalarType.Float64)]
    public void IsTwoThousandPointsFromMinusPiToPi_AndTheirSine(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var data = SineData.Create(dtype: dtype);

        Assert.Multiple(() =>
        {
            Assert.That(data.X.shape, Is.EqualTo(new long[] { 2000 }));
            Assert.That(data.Points, Is.EqualTo(SineData.TutorialPoints));
            Assert.That(data.X.dtype, Is.EqualTo(dtype));
            Assert.That(data.X[0].ToDouble(), Is.EqualTo(-Math.PI).Within(1e-6));
            Assert.That(data.X[-1].ToDouble(), Is.EqualTo(Math.PI).Within(1e-6));
            Assert.That(data.Y.equal(sin(data.X)).all().item<bool>(), Is.True);
        });
    }

    [Test]
    public void DrawsNothingFromTheGenerator_SoTheWeightsDrawnNextAreThoseOfTheSeed()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var expected = randn(4);
        manual_seed(0);
        using var data = SineData.Create();
        var afterData = randn(4);

        Assert.That(afterData.equal(expected).all().item<bool>(), Is.True);
    }

    [Test]
    public void Dispose_ReleasesBothTensors()
    {
        var data = SineData.Create(points: 10);
        data.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(data.X.IsInvalid, Is.True);
            Assert.That(data.Y.IsInvalid, Is.True);
        });
    }

    [Test]
    public void FewerThanTwoPoints_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SineData.Create(points: 1));
    }
}
