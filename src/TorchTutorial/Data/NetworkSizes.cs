namespace TorchTutorial.Data;

/// <summary>
/// The tutorial's sizes: <c>N, D_in, H, D_out = 64, 1000, 100, 10</c>
/// (batch size, input dimension, hidden dimension, output dimension).
/// </summary>
public sealed record NetworkSizes
{
    /// <summary>The tutorial's sizes: 64, 1000, 100, 10.</summary>
    public static NetworkSizes Tutorial { get; } = new(64, 1000, 100, 10);

    /// <summary>Creates sizes; every size must be positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is zero or negative.</exception>
    public NetworkSizes(int batch, int input, int hidden, int output)
    {
        Batch = Positive(batch, nameof(batch));
        Input = Positive(input, nameof(input));
        Hidden = Positive(hidden, nameof(hidden));
        Output = Positive(output, nameof(output));
    }

    /// <summary>N: the number of samples in the batch.</summary>
    public int Batch { get; }

    /// <summary>D_in: the input dimension.</summary>
    public int Input { get; }

    /// <summary>H: the hidden dimension.</summary>
    public int Hidden { get; }

    /// <summary>D_out: the output dimension.</summary>
    public int Output { get; }

    /// <summary>Deconstructs into the tutorial's <c>N, D_in, H, D_out</c>.</summary>
    public void Deconstruct(out int n, out int dIn, out int h, out int dOut) => (n, dIn, h, dOut) = (Batch, Input, Hidden, Output);

    /// <inheritdoc />
    public override string ToString() => $"N={Batch} D_in={Input} H={Hidden} D_out={Output}";

    private static int Positive(int value, string name) => value > 0
        ? value
        : throw new ArgumentOutOfRangeException(name, value, $"The {name} size must be a positive integer, not {value}.");
}
