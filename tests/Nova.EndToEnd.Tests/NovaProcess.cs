using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Text;
using Nova.Testing;

namespace Nova.EndToEnd.Tests;

/// <summary>
/// One Nova role (<c>nova control serve</c> or <c>nova region serve</c>) running as a child
/// process: <c>dotnet nova.dll ARGS</c> from the test output folder. Captures everything it
/// writes to stdout and stderr, across restarts; <see cref="KillAsync"/> is <c>kill -9</c>.
/// </summary>
public sealed class NovaProcess : IAsyncDisposable
{
    // Generous: the log test reads all of it. Past this the output is cut and says so.
    private const int MaxOutputChars = 16 * 1024 * 1024;

    private readonly StringBuilder _output = new();
    private readonly IReadOnlyList<string> _arguments;
    private Process? _process;
    private bool _truncated;

    public NovaProcess(string name, string url, IReadOnlyList<string> arguments)
    {
        Name = name;
        Url = url.TrimEnd('/');
        _arguments = arguments;
    }

    /// <summary>"control" or the region's name.</summary>
    public string Name { get; }

    /// <summary><c>http://127.0.0.1:PORT</c> (no trailing slash).</summary>
    public string Url { get; }

    public IReadOnlyList<string> Arguments => _arguments;

    /// <summary>How many times the process was started (1 after the first start).</summary>
    public int Starts { get; private set; }

    public int? ProcessId => _process?.Id;

    public bool IsRunning
    {
        get
        {
            try
            {
                return _process is { HasExited: false };
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }

    /// <summary>Everything every incarnation of the process wrote to stdout and stderr.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _truncated ? _output + "\n[output truncated]" : _output.ToString();
            }
        }
    }

    public bool OutputTruncated
    {
        get
        {
            lock (_output)
            {
                return _truncated;
            }
        }
    }

    /// <summary>nova.dll beside the test assembly (the project references Nova.Cli).</summary>
    public static string NovaDll
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "nova.dll");
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException($"nova.dll is not in the test output folder {AppContext.BaseDirectory}; build the test project (it references Nova.Cli).", path);
        }
    }

    /// <summary>Starts the process (again, if it ran before) and waits until <c>/healthz</c> answers 200.</summary>
    public async Task StartAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running as pid {_process!.Id}.");
        }

        _process?.Dispose();
        Starts++;
        Append($"---- start #{Starts}: nova {string.Join(' ', _arguments)}");
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
        startInfo.ArgumentList.Add(NovaDll);
        foreach (var argument in _arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // The CLI prefers these over its flags and the data folder: never inherit them.
        foreach (var variable in (string[])["NOVA_API_KEY", "NOVA_URL", "NOVA_DATA", "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT"])
        {
            startInfo.Environment.Remove(variable);
        }

        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";

        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start {startInfo.FileName} {NovaDll}: {ex.Message}", ex);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitUntilHealthyAsync(timeout, ct);
    }

    /// <summary><c>kill -9</c> of the process tree; returns once it is gone and its output drained.</summary>
    public async Task KillAsync()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                // On Unix Process.Kill sends SIGKILL: no shutdown code runs, like kill -9.
                process.Kill(entireProcessTree: true);
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(cts.Token);
            Append($"---- killed (SIGKILL); exit code {process.ExitCode}");
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or OperationCanceledException)
        {
            Append("---- kill: " + ex.Message);
        }
    }

    /// <summary>Did the last incarnation fail to bind its port (so a retry on another port may help)?</summary>
    public bool FailedToBind =>
        !IsRunning && Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        _process = null;
    }

    /// <summary>State and the tail of the output, for assertion messages.</summary>
    public string Describe(int tailChars = 6000)
    {
        string state;
        try
        {
            state = _process is null ? "not started" : _process.HasExited ? $"exited with code {_process.ExitCode}" : $"running as pid {_process.Id}";
        }
        catch (InvalidOperationException)
        {
            state = "not running";
        }

        var output = Output;
        if (output.Length > tailChars)
        {
            output = "…" + output[^tailChars..];
        }

        return $"--- {Name} at {Url} ({state}) ---\n{output}";
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        string last = "no answer yet";
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (!IsRunning)
            {
                // Let the output readers drain before describing the failure.
                using (var drain = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
                {
                    try
                    {
                        await _process!.WaitForExitAsync(drain.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }

                throw new InvalidOperationException($"{Name} exited before /healthz answered.\n{Describe()}");
            }

            try
            {
                using var response = await http.GetAsync(Url + "/healthz", ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"/healthz answered {(int)response.StatusCode}";
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
            {
                last = ex.Message;
            }

            if (clock.Elapsed > timeout)
            {
                await KillAsync();
                throw new TimeoutException($"{Name} did not answer /healthz within {timeout.TotalSeconds:0} s (last: {last}).\n{Describe()}");
            }

            await Task.Delay(100, ct);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length + line.Length < MaxOutputChars)
            {
                _output.AppendLine(line);
            }
            else
            {
                _truncated = true;
            }
        }
    }
}
