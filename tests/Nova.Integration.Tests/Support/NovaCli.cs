using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Nova.Testing;

namespace Nova.Integration.Tests.Support;

/// <summary>What one run of the CLI printed and returned.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>stderr's lines without the trailing empty one.</summary>
    public string[] ErrorLines => Stderr.Length == 0 ? [] : Stderr.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// Runs <c>nova</c> as a user does: <c>dotnet nova.dll ARGS</c> from the test output folder (the
/// project references Nova.Cli), as a child process, so exit codes and stderr are the real ones.
/// </summary>
internal static class NovaCli
{
    /// <summary>
    /// Runs the CLI against the control plane at <paramref name="url"/> with <paramref name="apiKey"/>;
    /// without them, against a data folder that does not exist (enough for parse errors).
    /// </summary>
    public static async Task<CliRun> RunAsync(IEnumerable<string> args, CancellationToken ct, string? url = null, string? apiKey = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = StartInfo(args, url, apiKey, environment);
        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"Could not start {startInfo.FileName}: {e.Message}", e);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        // Generous: a cold start of the CLI on a busy 2-core machine can take seconds.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"nova {string.Join(' ', startInfo.ArgumentList.Skip(1))} did not exit within 60 s.");
        }

        return new CliRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>How the CLI is started: from the test output folder, never with the developer's own Nova settings.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, string? url = null, string? apiKey = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(DotnetHost.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        startInfo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nova.dll"));
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        // Never the developer's own Nova: the CLI prefers these over everything else.
        foreach (var variable in (string[])["NOVA_API_KEY", "NOVA_URL", "NOVA_DATA", "NOVA_REGIONS"])
        {
            startInfo.Environment.Remove(variable);
        }

        startInfo.Environment["NOVA_DATA"] = Path.Combine(Path.GetTempPath(), "nova-cli-test-no-such-folder");
        if (url is not null)
        {
            startInfo.Environment["NOVA_URL"] = url;
        }

        if (apiKey is not null)
        {
            startInfo.Environment["NOVA_API_KEY"] = apiKey;
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";

        return startInfo;
    }

    public static Task<CliRun> RunAsync(string commandLine, CancellationToken ct, string? url = null, string? apiKey = null) =>
        RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries), ct, url, apiKey);

}
