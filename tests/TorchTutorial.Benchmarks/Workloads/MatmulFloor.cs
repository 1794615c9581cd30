using TorchSharp;
using TorchTutorial.Data;
using static TorchSharp.torch;

namespace TorchTutorial.Benchmarks.Workloads;

/// <summary>Which memory layouts a section's matrix products use.</summary>
public enum ProductLayout
{
    /// <summary>Raw weights <c>w1</c> (D_in×H) and <c>w2</c> (H×D_out): tensors, autograd, custom-function, static-graph.</summary>
    Raw,

    /// <summary><c>nn.Linear</c> weights (H×D_in, D_out×H) used as <c>x W^T</c>: nn, optim, module.</summary>
    Linear,

    /// <summary>DynamicNet: three <c>nn.Linear</c>, the H×H middle one reused 0–3 times per step.</summary>
    Dynamic,
}

/// <summary>
/// The compute floor of one training step: exactly the matrix products the step performs (forward and backward, the
/// shapes and memory layouts autograd uses), and nothing else, on operands made once. Each product's result is
/// disposed immediately. Everything a real step does beyond these products (elementwise ops, the loss, reductions,
/// the update, autograd's graph, allocation, the .NET wrappers) is overhead relative to this floor.
/// </summary>
/// <remarks>
/// The products per step, for N, D_in, H, D_out:
/// forward <c>N×D_in · D_in×H</c> and <c>N×H · H×D_out</c>; backward <c>N×D_out · D_out×H</c> (gradient of the hidden
/// activations), the weight gradient of layer 2 (<c>H×N · N×D_out</c>, or its transpose for nn.Linear) and the weight
/// gradient of layer 1 (<c>D_in×N · N×H</c>, or <c>H×N · N×D_in</c> for nn.Linear). No gradient with respect to x is
/// formed: x does not require one. libtorch's autograd picks the transposed forms for nn.Linear's transposed weights
/// (<c>mm_mat2_backward</c>), and so does the floor.
/// </remarks>
public sealed class MatmulFloor : IDisposable
{
    private readonly List<Tensor> owned = [];
    private readonly (Tensor A, Tensor B)[] forwardIn;
    private readonly (Tensor A, Tensor B)[] forwardMiddle;
    private readonly (Tensor A, Tensor B)[] forwardOut;
    private readonly (Tensor A, Tensor B)[] backwardOut;
    private readonly (Tensor A, Tensor B)[] backwardMiddle;
    private readonly (Tensor A, Tensor B)[] backwardIn;
    private readonly int seed;
    private TorchTutorial.Python.PythonRandom? depths;

    /// <summary>Makes the operands for <paramref name="sizes"/> in <paramref name="layout"/>.</summary>
    /// <param name="sizes">N, D_in, H, D_out.</param>
    /// <param name="layout">Whose products.</param>
    /// <param name="seed">For <see cref="ProductLayout.Dynamic"/>: the seed of the depth draws, as DynamicSection's <c>new PythonRandom(seed)</c>.</param>
    public MatmulFloor(NetworkSizes sizes, ProductLayout layout, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        Sizes = sizes;
        Layout = layout;
        this.seed = seed;
        var (N, D_in, H, D_out) = sizes;
        using var scope = NewDisposeScope();
        var x = Keep(randn(N, D_in));
        var h = Keep(randn(N, H).clamp_(min: 0));
        var gOut = Keep(randn(N, D_out));
        var gHidden = Keep(randn(N, H));
        if (layout == ProductLayout.Raw)
        {
            var w1 = Keep(randn(D_in, H));
            var w2 = Keep(randn(H, D_out));
            forwardIn = [(x, w1)];
            forwardOut = [(h, w2)];
            backwardOut = [(gOut, Keep(w2.t())), (Keep(h.t()), gOut)];      // grad_h_relu = g.mm(w2.t()); grad_w2 = h_relu.t().mm(g)
            backwardIn = [(Keep(x.t()), gHidden)];                           // grad_w1 = x.t().mm(grad_h)
            forwardMiddle = backwardMiddle = [];
        }
        else
        {
            var w1 = Keep(randn(H, D_in));
            var w2 = Keep(randn(D_out, H));
            forwardIn = [(x, Keep(w1.t()))];                                 // addmm(b1, x, W1.t())
            forwardOut = [(h, Keep(w2.t()))];                                // addmm(b2, h, W2.t())
            backwardOut = [(gOut, w2), (Keep(gOut.t()), h)];                 // grad_h = g.mm(W2); grad_W2 = g.t().mm(h)
            backwardIn = [(Keep(gHidden.t()), x)];                           // grad_W1 = g_h.t().mm(x)
            if (layout == ProductLayout.Dynamic)
            {
                var wm = Keep(randn(H, H));
                forwardMiddle = [(h, Keep(wm.t()))];
                backwardMiddle = [(gHidden, wm), (Keep(gHidden.t()), h)];
                depths = new TorchTutorial.Python.PythonRandom(seed);
            }
            else
            {
                forwardMiddle = backwardMiddle = [];
            }
        }

        scope.Detach(owned);
    }

    /// <summary>The sizes the operands were made for.</summary>
    public NetworkSizes Sizes { get; }

    /// <summary>Whose products these are.</summary>
    public ProductLayout Layout { get; }

    /// <summary>
    /// Floating-point operations of one step's products: <c>2·m·k·n</c> per product. For DynamicNet, at the mean depth 1.5.
    /// </summary>
    public double FlopsPerStep
    {
        get
        {
            var (N, D_in, H, D_out) = Sizes;
            double big = 2.0 * N * D_in * H;        // forward layer 1, and the layer-1 weight gradient
            double small = 2.0 * N * H * D_out;     // forward layer 2, the hidden gradient, the layer-2 weight gradient
            double middle = 2.0 * N * H * H;        // per reuse: forward, input gradient, weight gradient
            return 2 * big + 3 * small + (Layout == ProductLayout.Dynamic ? 1.5 * 3 * middle : 0);
        }
    }

    /// <summary>Runs one step's products.</summary>
    public void Step()
    {
        int repeats = (int)(depths?.RandInt(0, 3) ?? 0);   // DynamicNet's random.randint(0, 3), drawn the way the model draws it
        Run(forwardIn);
        for (int i = 0; i < repeats; i++)
        {
            Run(forwardMiddle);
        }

        Run(forwardOut);
        Run(backwardOut);
        for (int i = 0; i < repeats; i++)
        {
            Run(backwardMiddle);
        }

        Run(backwardIn);
    }

    /// <summary>Restarts the dynamic layout's depth draws from the seed (as a new run of the section does).</summary>
    public void ResetDepths()
    {
        if (depths is not null)
        {
            depths = new TorchTutorial.Python.PythonRandom(seed);
        }
    }

    /// <summary>Only the step's largest product, the forward <c>N×D_in · D_in×H</c>.</summary>
    public void ForwardInputProduct() => Run(forwardIn);

    /// <summary>Releases the operands.</summary>
    public void Dispose()
    {
        foreach (var t in owned)
        {
            t.Dispose();
        }

        owned.Clear();
    }

    private static void Run((Tensor A, Tensor B)[] products)
    {
        foreach (var (a, b) in products)
        {
            a.mm(b).Dispose();
        }
    }

    private Tensor Keep(Tensor t)
    {
        owned.Add(t);
        return t;
    }
}
