using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nova.EndToEnd.Tests;

/// <summary>
/// Route and receiver settings written into the Alertmanager config. The defaults make every
/// alert its own group and deliver it about one second after it is posted.
/// </summary>
public sealed record AlertmanagerOptions
{
    public TimeSpan GroupWait { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan GroupInterval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan RepeatInterval { get; init; } = TimeSpan.FromHours(1);
    public bool SendResolved { get; init; } = true;

    /// <summary><c>['...']</c> groups by all labels: every distinct alert is its own group.</summary>
    public IReadOnlyList<string> GroupBy { get; init; } = ["..."];

    /// <summary>How long to wait for <c>/-/ready</c> after starting the process.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(20);
}

/// <summary>
/// A real Prometheus Alertmanager (Debian package <c>prometheus-alertmanager</c>) running as a
/// child process on a free loopback port, with one route to one webhook receiver.
/// Dispose it to kill the process tree and delete its temporary folder.
/// </summary>
public sealed class AlertmanagerProcess : IAsyncDisposable
{
    private const string DebianBinary = "/usr/bin/prometheus-alertmanager";
    private const int MaxOutputChars = 64 * 1024;

    private static readonly JsonSerializerOptions AlertJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly HttpClient _http;
    private int _disposed;

    private AlertmanagerProcess(Process process, StringBuilder output, string tempDirectory, string configPath, Uri baseUrl)
    {
        _process = process;
        _output = output;
        TempDirectory = tempDirectory;
        ConfigPath = configPath;
        BaseUrl = baseUrl;
        _http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary><c>http://127.0.0.1:PORT/</c></summary>
    public Uri BaseUrl { get; }

    public string TempDirectory { get; }

    public string ConfigPath { get; }

    public int ProcessId => _process.Id;

    /// <summary>Everything the process wrote to stdout and stderr so far (capped).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// The Alertmanager binary: <c>/usr/bin/prometheus-alertmanager</c>, else <c>alertmanager</c> or
    /// <c>prometheus-alertmanager</c> on PATH; null when none is installed.
    /// </summary>
    public static string? FindBinary()
    {
        if (File.Exists(DebianBinary))
        {
            return DebianBinary;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in new[] { "alertmanager", "prometheus-alertmanager" })
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    public static Task<AlertmanagerProcess> StartAsync(string webhookUrl, string? bearerToken, CancellationToken ct) =>
        StartAsync(webhookUrl, bearerToken, new AlertmanagerOptions(), ct);

    public static async Task<AlertmanagerProcess> StartAsync(
        string webhookUrl, string? bearerToken, AlertmanagerOptions options, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(webhookUrl);
        ArgumentNullException.ThrowIfNull(options);

        var binary = FindBinary() ?? throw new InvalidOperationException(
            "Prometheus Alertmanager is not installed: looked for " + DebianBinary +
            " and for 'alertmanager' on PATH. Run scripts/test, which installs the Debian package " +
            "prometheus-alertmanager (or run: apt-get install -y prometheus-alertmanager).");

        var tempDirectory = Path.Combine(Path.GetTempPath(), "nova-alertmanager-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(tempDirectory);
        try
        {
            var configPath = Path.Combine(tempDirectory, "alertmanager.yml");
            await File.WriteAllTextAsync(configPath, BuildConfig(webhookUrl, bearerToken, options), ct).ConfigureAwait(false);
            var storagePath = Path.Combine(tempDirectory, "data");
            Directory.CreateDirectory(storagePath);

            // A port picked free can be taken by someone else before Alertmanager binds it: retry then.
            const int attempts = 3;
            for (var attempt = 1; ; attempt++)
            {
                var port = FreeLoopbackPort();
                var instance = Launch(binary, configPath, storagePath, port, tempDirectory);
                try
                {
                    await instance.WaitUntilReadyAsync(options.StartupTimeout, ct).ConfigureAwait(false);
                    return instance;
                }
                catch (Exception) when (attempt < attempts && instance._process.HasExited &&
                                        instance.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
                {
                    await instance.StopAsync().ConfigureAwait(false);
                }
                catch
                {
                    await instance.StopAsync().ConfigureAwait(false);
                    throw;
                }
            }
        }
        catch
        {
            TryDeleteDirectory(tempDirectory);
            throw;
        }
    }

    /// <summary>
    /// POSTs alerts to <c>/api/v2/alerts</c>. Each alert is any object that serializes to
    /// <c>labels</c>, <c>annotations</c>, <c>startsAt</c>, <c>endsAt</c>, <c>generatorURL</c>
    /// (anonymous objects and dictionaries work; null members are left out).
    /// </summary>
    public async Task PostAlertsAsync(IEnumerable<object> alerts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var body = JsonSerializer.Serialize(alerts.ToArray(), AlertJson);
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri("api/v2/alerts", UriKind.Relative), content, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var answer = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            throw new InvalidOperationException(
                $"Alertmanager answered {(int)response.StatusCode} {response.ReasonPhrase} to POST /api/v2/alerts.\n" +
                $"Request: {body}\nResponse: {answer}\n{Describe()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        TryDeleteDirectory(TempDirectory);
    }

    /// <summary>Process state, config and captured output, for exception and assertion messages.</summary>
    public string Describe()
    {
        string state;
        try
        {
            state = _process.HasExited ? $"exited with code {_process.ExitCode}" : $"running as pid {_process.Id}";
        }
        catch (InvalidOperationException)
        {
            state = "not running";
        }

        string config;
        try
        {
            config = File.ReadAllText(ConfigPath);
        }
        catch (IOException)
        {
            config = "(config file gone)";
        }

        return $"Alertmanager at {BaseUrl} ({state}).\n--- config {ConfigPath} ---\n{config}\n--- stdout/stderr ---\n{Output}";
    }

    private static AlertmanagerProcess Launch(string binary, string configPath, string storagePath, int port, string tempDirectory)
    {
        var startInfo = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = tempDirectory,
        };
        startInfo.ArgumentList.Add("--config.file=" + configPath);
        startInfo.ArgumentList.Add("--storage.path=" + storagePath);
        startInfo.ArgumentList.Add("--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture));
        startInfo.ArgumentList.Add("--cluster.listen-address=");

        var output = new StringBuilder();
        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start {binary}: {ex.Message}", ex);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AlertmanagerProcess(process, output, tempDirectory, configPath, new Uri($"http://127.0.0.1:{port}/"));
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        Exception? last = null;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                // Let the output readers drain before describing the failure.
                await _process.WaitForExitAsync(ct).ConfigureAwait(false);
                throw new InvalidOperationException("Alertmanager exited before it was ready.\n" + Describe());
            }

            try
            {
                using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                attemptCts.CancelAfter(TimeSpan.FromSeconds(2));
                using var response = await _http.GetAsync(new Uri("-/ready", UriKind.Relative), attemptCts.Token).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = new HttpRequestException($"/-/ready answered {(int)response.StatusCode}");
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                last = ex;
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException(
                    $"Alertmanager was not ready within {timeout.TotalSeconds:0} s (last: {last?.Message}).\n{Describe()}", last);
            }

            await Task.Delay(50, ct).ConfigureAwait(false);
        }
    }

    private async Task StopAsync()
    {
        _http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or OperationCanceledException)
        {
            // Already gone, or would not die in time: nothing more to do here.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static string BuildConfig(string webhookUrl, string? bearerToken, AlertmanagerOptions options)
    {
        // JSON is YAML: writing the config with a JSON writer makes quoting a non-issue.
        var webhook = new Dictionary<string, object>
        {
            ["url"] = webhookUrl,
            ["send_resolved"] = options.SendResolved,
        };
        if (bearerToken is not null)
        {
            webhook["http_config"] = new Dictionary<string, object>
            {
                ["authorization"] = new Dictionary<string, object>
                {
                    ["type"] = "Bearer",
                    ["credentials"] = bearerToken,
                },
            };
        }

        var config = new Dictionary<string, object>
        {
            ["route"] = new Dictionary<string, object>
            {
                ["receiver"] = "webhook",
                ["group_by"] = options.GroupBy,
                ["group_wait"] = GoDuration(options.GroupWait),
                ["group_interval"] = GoDuration(options.GroupInterval),
                ["repeat_interval"] = GoDuration(options.RepeatInterval),
            },
            ["receivers"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["name"] = "webhook",
                    ["webhook_configs"] = new object[] { webhook },
                },
            },
        };
        return JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Prometheus duration syntax: "1s", "1h", "1500ms".</summary>
    private static string GoDuration(TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Alertmanager durations must be positive.");
        }

        var ms = (long)value.TotalMilliseconds;
        return ms % 1000 == 0
            ? (ms / 1000).ToString(CultureInfo.InvariantCulture) + "s"
            : ms.ToString(CultureInfo.InvariantCulture) + "ms";
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            if (output.Length < MaxOutputChars)
            {
                output.AppendLine(line);
            }
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover folder in /tmp must not fail a test.
        }
    }
}
