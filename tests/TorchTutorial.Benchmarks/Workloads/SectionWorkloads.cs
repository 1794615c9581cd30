using TorchSharp;
using TorchTutorial.Data;
using TorchTutorial.Examples;
using TorchTutorial.Examples.Sections;
using TorchTutorial.Functions;
using TorchTutorial.Modules;
using TorchTutorial.Training;
using static TorchSharp.torch;

namespace TorchTutorial.Benchmarks.Workloads;

/// <summary>
/// Every training section two ways. <see cref="Facade"/> runs the section's own code (<see cref="SectionContext.Run"/>, which trains
/// through <see cref="SectionContext.Train"/> and so <see cref="TrainingLoop"/>). The <c>Direct</c> methods are the same
/// TorchSharp operations, in the same order, in a plain <c>for</c> loop with a <c>torch.NewDisposeScope()</c> and a
/// <c>loss.item&lt;float&gt;()</c> per step, which is what the facade does too. Both start from <c>torch.manual_seed</c>,
/// so both compute bit-for-bit the same losses (checked by the <c>verify</c> mode).
/// </summary>
public static class SectionWorkloads
{
    /// <summary>The training sections, in the tutorial's order.</summary>
    public static IReadOnlyList<string> TrainingSections { get; } =
        SectionCatalog.Sections.Where(s => s.Trains).Select(s => s.Name).ToArray();

    /// <summary>The most steps one benchmarked run takes: the scripts' own counts (500, 2000), but poly-dynamic's 30000 cut to 2000.</summary>
    public const int MaxSteps = 2000;

    /// <summary>The steps one benchmarked run of <paramref name="name"/> takes: the script's own count, at most <see cref="MaxSteps"/>.</summary>
    public static int StepsOf(string name) => Math.Min(Find(name).Training!.Steps, MaxSteps);

    /// <summary>The training steps one run of <paramref name="name"/> performs (static-graph trains twice: compiled, then eager).</summary>
    public static int StepsPerRun(string name) => name == "static-graph" ? 2 * StepsOf(name) : StepsOf(name);

    /// <summary>The section called <paramref name="name"/>.</summary>
    public static TutorialSection Find(string name) => SectionCatalog.Get(name);

    /// <summary>Runs the section's own code through the facade (optim with <c>--fused</c> when <paramref name="fusedAdam"/>); returns every loss it recorded.</summary>
    public static double[] Facade(string name, NetworkSizes sizes, int? steps = null, long seed = 0, bool fusedAdam = false)
    {
        var section = Find(name);
        var settings = RunSettings.Defaults(section) with
        {
            Seed = seed,
            Sizes = sizes,
            Training = new TrainingOptions(steps ?? StepsOf(name), section.Training!.LearningRate),
            FusedAdam = fusedAdam,
        };
        return SectionContext.Run(settings).Training!.Losses.ToArray();
    }

    /// <summary>Runs the same operations written directly on TorchSharp; returns every loss.</summary>
    public static double[] Direct(string name, NetworkSizes sizes, int? stepCount = null, long seed = 0)
    {
        var section = Find(name);
        int steps = stepCount ?? StepsOf(name);
        manual_seed(seed);
        double lr = section.Training!.LearningRate;
        return name switch
        {
            "tensors" => Tensors(sizes, steps, lr),
            "autograd" => Autograd(sizes, steps, lr),
            "custom-function" => CustomFunction(sizes, steps, lr),
            "static-graph" => StaticGraph(sizes, steps, lr),
            "nn" => Nn(sizes, steps, lr),
            "optim" => Optim(sizes, steps, lr),
            "module" => Module(sizes, steps, lr),
            "dynamic" => Dynamic(sizes, steps, lr, seed),
            "poly-tensor" => PolyTensor(steps, lr),
            "poly-autograd" => PolyAutograd(steps, lr),
            "poly-custom-function" => PolyCustomFunction(steps, lr),
            "poly-nn" => PolyNn(steps, lr),
            "poly-optim" => PolyOptim(steps, lr),
            "poly-module" => PolyModule(steps, lr),
            "poly-dynamic" => PolyDynamic(steps, lr, seed),
            _ => throw new ArgumentException($"'{name}' does not train.", nameof(name)),
        };
    }

    /// <summary>two_layer_net_tensor.py on TorchSharp directly.</summary>
    public static double[] Tensors(NetworkSizes sizes, int steps, double learning_rate)
    {
        var (N, D_in, H, D_out) = sizes;
        var losses = new double[steps];
        using var x = randn(N, D_in);
        using var y = randn(N, D_out);
        using var w1 = randn(D_in, H);
        using var w2 = randn(H, D_out);
        for (int t = 0; t < steps; t++)
        {
            using var scope = NewDisposeScope();
            var h = x.mm(w1);
            var h_relu = h.clamp(min: 0);
            var y_pred = h_relu.mm(w2);
            var loss = (y_pred - y).pow(2).sum();
            var grad_y_pred = 2.0 * (y_pred - y);
            var grad_w2 = h_relu.t().mm(grad_y_pred);
            var grad_h_relu = grad_y_pred.mm(w2.t());
            var grad_h = grad_h_relu.clone();
            grad_h.masked_fill_(h < 0, 0);
            var grad_w1 = x.t().mm(grad_h);
            w1.sub_(learning_rate * grad_w1);
            w2.sub_(learning_rate * grad_w2);
            losses[t] = loss.item<float>();
        }

        return losses;
    }

    /// <summary>two_layer_net_autograd.py on TorchSharp directly.</summary>
    public static double[] Autograd(NetworkSizes sizes, int steps, double learning_rate)
    {
        var (N, D_in, H, D_out) = sizes;
        var losses = new double[steps];
        using var x = randn(N, D_in);
        using var y = randn(N, D_out);
        using var w1 = randn(D_in, H, requires_grad: true);
        using var w2 = randn(H, D_out, requires_grad: true);
        for (int t = 0; t < steps; t++)
        {
            using var scope = NewDisposeScope();
            var y_pred = x.mm(w1).clamp(min: 0).mm(w2);
            var loss = (y_pred - y).pow(2).sum();
            loss.backward();
            using (no_grad())
            {
                w1.sub_(learning_rate * w1.grad!);
                w2.sub_(learning_rate * w2.grad!);
                w1.grad!.zero_();
                w2.grad!.zero_();
            }

            losses[t] = loss.item<float>();
        }

        return losses;
    }

    /// <summary>two_layer_net_custom_function.py on TorchSharp directly.</summary>
    public static double[] CustomFunction(NetworkSizes sizes, int steps, double learning_rate)
    {
        var (N, D_in, H, D_out) = sizes;
        var losses = new double[steps];
        using var x = randn(N, D_in);
        using var y = randn(N, D_out);
        using var w1 = randn(D_in, H, requires_grad: true);
        using var w2 = randn(H, D_out, requires_grad: true);
        for (int t = 0; t < steps; t++)
        {
            using var scope = NewDisposeScope();
            var y_pred = MyReLU.apply(x.mm(w1)).mm(w2);
            var loss = (y_pred - y).pow(2).sum();
            loss.backward();
            using (no_grad())
            {
                w1.sub_(learning_rate * w1.grad!);
                w2.sub_(learning_rate * w2.grad!);
                w1.grad!.zero_();
                w2.grad!.zero_();
            }

            losses[t] = loss.item<float>();
        }

        return losses;
    }

    /// <summary>The static-graph section on TorchSharp directly: compile once, train compiled, then train eager.</summary>
    public static double[] StaticGraph(NetworkSizes sizes, int steps, double learning_rate)
    {
        var (N, D_in, H, D_out) = sizes;
        using var x = randn(N, D_in);
        using var y = randn(N, D_out);
        using var w1 = randn(D_in, H, requires_grad: true);
        using var w2 = randn(H, D_out, requires_grad: true);
        using var w1_eager = w1.clone().detach_().requires_grad_(true);
        using var w2_eager = w2.clone().detach_().requires_grad_(true);
        using var graph = jit.compile(StaticGraphSection.Source);
        bool same;
        using (no_grad())
        {
            same = graph.invoke<Tensor>("predict", x, w1, w2).equal(x.mm(w1).clamp(min: 0).mm(w2)).all().item<bool>();
        }

        var compiled = new double[steps];
        for (int t = 0; t < steps; t++)
        {
            using var scope = NewDisposeScope();
            var loss = graph.invoke<Tensor>("loss_fn", x, y, w1, w2);
            StaticStep(loss, w1, w2, learning_rate);
            compiled[t] = loss.item<float>();
        }

        var eager = new double[steps];
        for (int t = 0; t < steps; t++)
        {
            using var scope = NewDisposeScope();
            var loss = (x.mm(w1_eager).clamp(min: 0).mm(w2_eager) - y).pow(2).sum();
            StaticStep(loss, w1_eager, w2_eager, learning_rate);
            eager[t] = loss.item<float>();
        }

        GC.KeepAlive(same);
        return compiled;
    }

    private static void StaticStep(Tensor loss, Tensor w1, Tensor w2, double learning_rate)
    {
        loss.backward();
        using (no_grad())
        {
            w1.sub_(learning_rate * w1.grad!);
            w2.sub_(learning_rate * w2.grad!);
            w1.grad!.zero_();
            w2.grad!.zero_();
        }
    }

    /// <summary>two_layer_net_nn.py on TorchSharp directly.</summary>
    public static double[] Nn(NetworkSizes sizes, int steps, double learning_rate)
    {
        var (N, D_in, H, D_out) = sizes;
        var losses = new double[steps];
        using var x = randn(N, D_in);
        using var y = randn(N, D_out);
        using var model = nn.Sequential(nn.Linear(D_in, H), nn.ReLU(), nn.Linear(H, D_out));
        using var loss_fn = nn.MSELoss(reduction: nn.Reduction.Sum);
        for (int t = 0; t < steps; t++)
        {
            using var scope = NewDisposeScope();
            var y_pred = model.forward(x);
            var loss = loss_fn.forward(y_pred, y);
            model.zero_grad();
            loss.backward();
            using (no_grad())
            {
                foreach (var param in model.parameters())
                {
                    param.sub_(learning_rate * param.grad!);
                }
            }

            losses[t] = loss.item<float>();
        }

        return losses;
    }

    /// <summary>two_layer_net_optim.py on TorchSharp directly.</summary>
    public static double[] Optim(NetworkSizes sizes, int steps, double learning_rate)
    {
        var (N, D_in, H, D_out) = sizes;
        var losses = new double[steps];
        using var x = randn(N, D_in);
        using var y = randn(N, D_out);
        using var model = nn.Sequential(nn.Linear(D_in, H), nn.ReLU(), nn.Linear(H, D_out));
        using var loss_fn = nn.MSELoss(reduction: nn.Reduction.Sum);
        using var optimizer = optim.Adam(model.parameters(), lr: learning_rate);
        for (int t = 0; t < steps; t++)
        {
            using var scope = NewDisposeScope();
            var y_pred = model.forward(x);
            var loss = loss_fn.forward(y_pred, y);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            losses[t] = loss.item<float>();
        }

        return losses;
    }

    /// <summary>two_layer_net_module.py on TorchSharp directly.</summary>
    public static double[] Module(NetworkSizes sizes, int steps, double learning_rate)
    {
        var (N, D_in, H, D_out) = sizes;
        var losses = new double[steps];
        using var x = randn(N, D_in);
        using var y = randn(N, D_out);
        using var model = new TwoLayerNet(D_in, H, D_out);
        using var criterion = nn.MSELoss(reduction: nn.Reduction.Sum);
        using var optimizer = optim.SGD(model.parameters(), learning_rate);
        for (int t = 0; t < steps; t++)
        {
            using var scope = NewDisposeScope();
            var y_pred = model.forward(x);
            var loss = criterion.forward(y_pred, y);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            losses[t] = loss.item<float>();
        }

        return losses;
    }

    /// <summary>dynamic_net.py on TorchSharp directly.</summary>
    public static double[] Dynamic(NetworkSizes sizes, int steps, double learning_rate, long seed)
    {
        var (N, D_in, H, D_out) = sizes;
        var losses = new double[steps];
        using var x = randn(N, D_in);
        using var y = randn(N, D_out);
        using var model = new DynamicNet(D_in, H, D_out, new TorchTutorial.Python.PythonRandom(seed));
        using var criterion = nn.MSELoss(reduction: nn.Reduction.Sum);
        using var optimizer = optim.SGD(model.parameters(), learning_rate, momentum: 0.9);
        for (int t = 0; t < steps; t++)
        {
            using var scope = NewDisposeScope();
            var y_pred = model.forward(x);
            var loss = criterion.forward(y_pred, y);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            losses[t] = loss.item<float>();
        }

        return losses;
    }

    /// <summary>polynomial_tensor.py on TorchSharp directly.</summary>
    public static double[] PolyTensor(int steps, double learning_rate)
    {
        var losses = new double[steps];
        using var x = linspace(-Math.PI, Math.PI, 2000);
        using var y = sin(x);
        using var a = randn([]);
        using var b = randn([]);
        using var c = randn([]);
        using var d = randn([]);
        for (int t = 0; t < steps; t++)
        {
            using var scope = NewDisposeScope();
            var y_pred = a + b * x + c * x.pow(2) + d * x.pow(3);
            var loss = (y_pred - y).pow(2).sum();
            var grad_y_pred = 2.0 * (y_pred - y);
            var grad_a = grad_y_pred.sum();
            var grad_b = (grad_y_pred * x).sum();
            var grad_c = (grad_y_pred * x.pow(2)).sum();
            var grad_d = (grad_y_pred * x.pow(3)).sum();
            a.sub_(learning_rate * grad_a);
            b.sub_(learning_rate * grad_b);
            c.sub_(learning_rate * grad_c);
            d.sub_(learning_rate * grad_d);
            losses[t] = loss.item<float>();
        }

        return losses;
    }

    /// <summary>polynomial_autograd.py on TorchSharp directly.</summary>
    public static double[] PolyAutograd(int steps, double learning_rate)
    {
        var losses = new double[steps];
        using var x = linspace(-Math.PI, Math.PI, 2000);
        using var y = sin(x);
        using var a = randn([], requires_grad: true);
        using var b = randn([], requires_grad: true);
        using var c = randn([], requires_grad: true);
        using var d = randn([], requires_grad: true);
        for (int t = 0; t < steps; t++)
        {
            using var scope = NewDisposeScope();
            var y_pred = a + b * x + c * x.pow(2) + d * x.pow(3);
            var loss = (y_pred - y).pow(2).sum();
            loss.backward();
            using (no_grad())
            {
                a.sub_(learning_rate * a.grad!);
                b.sub_(learning_rate * b.grad!);
                c.sub_(learning_rate * c.grad!);
                d.sub_(learning_rate * d.grad!);
                a.grad = null;
                b.grad = null;
                c.grad = null;
                d.grad = null;
            }

            losses[t] = loss.item<float>();
        }

        return losses;
    }

    /// <summary>polynomial_custom_function.py on TorchSharp directly.</summary>
    public static double[] PolyCustomFunction(int steps, double learning_rate)
    {
        var losses = new double[steps];
        using var x = linspace(-Math.PI, Math.PI, 2000);
        using var y = sin(x);
        using var a = full([], 0.0, requires_grad: true);
        using var b = full([], -1.0, requires_grad: true);
        using var c = full([], 0.0, requires_grad: true);
        using var d = full([], 0.3, requires_grad: true);
        for (int t = 0; t < steps; t++)
        {
            using var scope = NewDisposeScope();
            var y_pred = a + b * LegendrePolynomial3.apply(c + d * x);
            var loss = (y_pred - y).pow(2).sum();
            loss.backward();
            using (no_grad())
            {
                a.sub_(learning_rate * a.grad!);
                b.sub_(learning_rate * b.grad!);
                c.sub_(learning_rate * c.grad!);
                d.sub_(learning_rate * d.grad!);
                a.grad = null;
                b.grad = null;
                c.grad = null;
                d.grad = null;
            }

            losses[t] = loss.item<float>();
        }

        return losses;
    }

    /// <summary>polynomial_nn.py on TorchSharp directly.</summary>
    public static double[] PolyNn(int steps, double learning_rate)
    {
        var losses = new double[steps];
        using var outer = NewDisposeScope();
        var x = linspace(-Math.PI, Math.PI, 2000);
        var y = sin(x);
        var xx = x.unsqueeze(-1).pow(tensor(new long[] { 1, 2, 3 }));
        using var model = nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1));
        using var loss_fn = nn.MSELoss(reduction: nn.Reduction.Sum);
        for (int t = 0; t < steps; t++)
        {
            using var scope = NewDisposeScope();
            var y_pred = model.forward(xx);
            var loss = loss_fn.forward(y_pred, y);
            model.zero_grad();
            loss.backward();
            using (no_grad())
            {
                foreach (var param in model.parameters())
                {
                    param.sub_(learning_rate * param.grad!);
                }
            }

            losses[t] = loss.item<float>();
        }

        return losses;
    }

    /// <summary>polynomial_optim.py (RMSprop) on TorchSharp directly.</summary>
    public static double[] PolyOptim(int steps, double learning_rate)
    {
        var losses = new double[steps];
        using var outer = NewDisposeScope();
        var x = linspace(-Math.PI, Math.PI, 2000);
        var y = sin(x);
        var xx = x.unsqueeze(-1).pow(tensor(new long[] { 1, 2, 3 }));
        using var model = nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1));
        using var loss_fn = nn.MSELoss(reduction: nn.Reduction.Sum);
        using var optimizer = optim.RMSProp(model.parameters(), lr: learning_rate);
        for (int t = 0; t < steps; t++)
        {
            using var scope = NewDisposeScope();
            var y_pred = model.forward(xx);
            var loss = loss_fn.forward(y_pred, y);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            losses[t] = loss.item<float>();
        }

        return losses;
    }

    /// <summary>polynomial_module.py on TorchSharp directly.</summary>
    public static double[] PolyModule(int steps, double learning_rate)
    {
        var losses = new double[steps];
        using var x = linspace(-Math.PI, Math.PI, 2000);
        using var y = sin(x);
        using var model = new Polynomial3();
        using var criterion = nn.MSELoss(reduction: nn.Reduction.Sum);
        using var optimizer = optim.SGD(model.parameters(), learning_rate);
        for (int t = 0; t < steps; t++)
        {
            using var scope = NewDisposeScope();
            var y_pred = model.forward(x);
            var loss = criterion.forward(y_pred, y);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            losses[t] = loss.item<float>();
        }

        return losses;
    }

    /// <summary>The polynomial dynamic_net.py on TorchSharp directly.</summary>
    public static double[] PolyDynamic(int steps, double learning_rate, long seed)
    {
        var losses = new double[steps];
        using var x = linspace(-Math.PI, Math.PI, 2000);
        using var y = sin(x);
        using var model = new DynamicPolynomial(new TorchTutorial.Python.PythonRandom(seed));
        using var criterion = nn.MSELoss(reduction: nn.Reduction.Sum);
        using var optimizer = optim.SGD(model.parameters(), learning_rate, momentum: 0.9);
        for (int t = 0; t < steps; t++)
        {
            using var scope = NewDisposeScope();
            var y_pred = model.forward(x);
            var loss = criterion.forward(y_pred, y);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            losses[t] = loss.item<float>();
        }

        return losses;
    }
}
