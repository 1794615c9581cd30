namespace TorchTutorial.Functions;

/// <summary>
/// How often a custom autograd Function's own forward and backward have run in this process: what a test reads to prove
/// that a computation really goes through the Function, not through autograd's gradient of the same formula (which
/// gives the same numbers).
/// </summary>
internal sealed class FunctionCalls
{
    private long forward;
    private long backward;

    /// <summary>Calls of the Function's forward so far.</summary>
    public long Forward => Interlocked.Read(ref forward);

    /// <summary>Calls of the Function's backward so far.</summary>
    public long Backward => Interlocked.Read(ref backward);

    /// <summary>Counts one forward.</summary>
    public void CountForward() => Interlocked.Increment(ref forward);

    /// <summary>Counts one backward.</summary>
    public void CountBackward() => Interlocked.Increment(ref backward);
}
