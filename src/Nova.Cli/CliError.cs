namespace Nova.Cli;

/// <summary>An error the CLI reports as one line and a non-zero exit code, never a stack trace.</summary>
public sealed class CliError(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
