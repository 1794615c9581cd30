using TorchSharp;
using static TorchSharp.torch;

namespace TorchTutorial.Optimizers;

/// <summary>
/// The tensor lists and scalars of one fused kernel call, kept between steps so that a step allocates no new arrays or
/// native scalars while the parameter set and the hyper-parameters stay the same.
/// </summary>
internal sealed class GroupBuffers : IDisposable
{
    private readonly List<Tensor> parameters = [];
    private readonly List<Tensor> grads = [];
    private readonly List<Tensor> expAvgs = [];
    private readonly List<Tensor> expAvgSqs = [];
    private readonly List<Tensor> maxExpAvgSqs = [];
    private readonly List<Tensor> steps = [];
    private readonly Tensor[][] arrays = new Tensor[6][];
    private readonly Scalar?[] scalars = new Scalar?[5];
    private readonly double[] scalarValues = new double[5];

    /// <summary>How many parameters the call updates.</summary>
    public int Count => parameters.Count;

    /// <summary>Forgets the previous call's tensors (not the arrays or scalars).</summary>
    public void Clear()
    {
        parameters.Clear();
        grads.Clear();
        expAvgs.Clear();
        expAvgSqs.Clear();
        maxExpAvgSqs.Clear();
        steps.Clear();
    }

    /// <summary>Adds one parameter with its gradient, Adam state and step tensor.</summary>
    public void Add(Tensor parameter, Tensor grad, TorchSharp.Modules.Adam.State state, Tensor step, bool amsgrad)
    {
        parameters.Add(parameter);
        grads.Add(grad);
        expAvgs.Add(state.exp_avg);
        expAvgSqs.Add(state.exp_avg_sq);
        if (amsgrad)
        {
            maxExpAvgSqs.Add(state.max_exp_avg_sq);
        }

        steps.Add(step);
    }

    public Tensor[] Params() => Array(0, parameters);

    public Tensor[] Grads() => Array(1, grads);

    public Tensor[] ExpAvgs() => Array(2, expAvgs);

    public Tensor[] ExpAvgSqs() => Array(3, expAvgSqs);

    /// <summary>The running maxima with AMSGrad; without it the kernel wants an empty list.</summary>
    public Tensor[] MaxExpAvgSqs(bool amsgrad) => amsgrad ? Array(4, maxExpAvgSqs) : [];

    public Tensor[] Steps() => Array(5, steps);

    /// <summary>A native scalar holding <paramref name="value"/>, made again only when the value changed.</summary>
    public Scalar Scalar(int slot, double value)
    {
        if (scalars[slot] is not { } scalar || scalarValues[slot] != value || BitConverter.DoubleToInt64Bits(scalarValues[slot]) != BitConverter.DoubleToInt64Bits(value))
        {
            scalars[slot]?.Dispose();
            scalar = value.ToScalar();
            scalars[slot] = scalar;
            scalarValues[slot] = value;
        }

        return scalar;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        for (int i = 0; i < scalars.Length; i++)
        {
            scalars[i]?.Dispose();
            scalars[i] = null;
        }

        Clear();
    }

    private Tensor[] Array(int slot, List<Tensor> tensors)
    {
        var array = arrays[slot];
        if (array is null || array.Length != tensors.Count)
        {
            array = new Tensor[tensors.Count];
            arrays[slot] = array;
        }

        tensors.CopyTo(array);
        return array;
    }
}
