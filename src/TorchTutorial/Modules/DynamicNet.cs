using TorchSharp;
using TorchSharp.Modules;
using TorchTutorial.Python;
using static TorchSharp.torch;

namespace TorchTutorial.Modules;

/// <summary>
/// The tutorial's <c>DynamicNet</c>: control flow and weight sharing. Each forward pass draws how many times
/// (0 to 3) the middle layer is reused, so the graph differs from step to step. The draw is the script's
/// <c>random.randint(0, 3)</c>, once per forward pass, from a <see cref="PythonRandom"/>: seeded as the script seeds
/// Python's <c>random</c>, the model reuses its middle layer on exactly the script's steps.
/// Parameter names match PyTorch's: <c>input_linear</c>, <c>middle_linear</c>, <c>output_linear</c>.
/// </summary>
public sealed class DynamicNet : nn.Module<Tensor, Tensor>
{
    /// <summary>The largest number of times <see cref="forward(Tensor)"/> reuses the middle layer (Python's <c>random.randint(0, 3)</c>).</summary>
    public const int MaxMiddleRepeats = 3;

    private readonly Linear input_linear;
    private readonly Linear middle_linear;
    private readonly Linear output_linear;
    private readonly PythonRandom random;

    /// <summary>Constructs three <c>nn.Linear</c> instances, initialised in PyTorch's order.</summary>
    /// <param name="inputSize">D_in.</param>
    /// <param name="hiddenSize">H (the middle layer is H × H).</param>
    /// <param name="outputSize">D_out.</param>
    /// <param name="random">Draws the depth of each forward pass (<c>random.randint(0, 3)</c>); pass
    /// <c>new PythonRandom(seed)</c> to draw what a script that called <c>random.seed(seed)</c> draws. A fresh unseeded one
    /// when null.</param>
    /// <param name="device">Where to put the parameters; the CPU when null.</param>
    /// <param name="dtype">The parameters' element type; float32 when null.</param>
    public DynamicNet(int inputSize, int hiddenSize, int outputSize, PythonRandom? random = null, Device? device = null, ScalarType? dtype = null)
        : base(nameof(DynamicNet))
    {
        input_linear = nn.Linear(inputSize, hiddenSize, device: device, dtype: dtype);
        middle_linear = nn.Linear(hiddenSize, hiddenSize, device: device, dtype: dtype);
        output_linear = nn.Linear(hiddenSize, outputSize, device: device, dtype: dtype);
        this.random = random ?? new PythonRandom();
        RegisterComponents();
    }

    /// <summary>The number of middle-layer reuses drawn by the last forward call.</summary>
    public int LastMiddleRepeats { get; private set; }

    /// <summary>
    /// Draws <c>random.randint(0, 3)</c> and reuses the middle layer that many times: plain C# control flow
    /// builds a different graph each pass, and the same weights are shared by every reuse.
    /// </summary>
    public override Tensor forward(Tensor x) => forward(x, (int)random.RandInt(0, MaxMiddleRepeats));

    /// <summary>The forward pass at a fixed depth: the middle layer applied <paramref name="middleRepeats"/> times.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="middleRepeats"/> is negative.</exception>
    public Tensor forward(Tensor x, int middleRepeats)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(middleRepeats);
        LastMiddleRepeats = middleRepeats;
        var h_relu = input_linear.forward(x).clamp(min: 0);
        for (int i = 0; i < middleRepeats; i++)
        {
            h_relu = middle_linear.forward(h_relu).clamp(min: 0);
        }

        var y_pred = output_linear.forward(h_relu);
        return y_pred;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            input_linear.Dispose();
            middle_linear.Dispose();
            output_linear.Dispose();
        }

        base.Dispose(disposing);
    }
}
