namespace Nova.Cli;

/// <summary>An error the CLI reports as one line and a non-zero exit code, never a stack trace.</summary>
public sealed class CliError(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The HTTP status of the answer that caused it, when there was one.</summary>
    public System.Net.HttpStatusCode? Status { get; init; }

    /// <summary>True when the server did not answer at all (connection refused, no route).</summary>
    public bool Unreachable { get; init; }
}
