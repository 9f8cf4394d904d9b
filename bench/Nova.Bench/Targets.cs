using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nova.Contracts;

namespace Nova.Bench;

/// <summary>A server under test: how to address the alerts of one request to it, and how to check what it kept.</summary>
internal interface ITarget : IAsyncDisposable
{
    string Name { get; }

    /// <summary>The server processes whose CPU time is charged to this target.</summary>
    IReadOnlyList<ChildProcess> Processes { get; }

    /// <summary>The body of one request carrying <paramref name="alerts"/>.</summary>
    byte[] Body(ReadOnlySpan<BenchAlert> alerts);

    HttpRequestMessage Request(byte[] body);

    /// <summary>
    /// Checks, after a run that sent <paramref name="distinctRequests"/> distinct requests of
    /// <paramref name="perRequest"/> alerts each, labelled run=<paramref name="run"/>, with
    /// <paramref name="succeeded"/> 2xx answers, that the server holds exactly those alerts.
    /// Returns a short description; throws <see cref="VerificationException"/> on a mismatch.
    /// </summary>
    Task<string> VerifyAsync(string run, int distinctRequests, int perRequest, int succeeded, CancellationToken ct);
}

internal sealed class VerificationException(string message) : Exception(message);

internal static class Json
{
    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static MediaTypeHeaderValue ContentType { get; } = new("application/json");
}

/// <summary>Prometheus Alertmanager with a receiver that sends nothing: it keeps alerts in memory.</summary>
internal sealed class AlertmanagerTarget : ITarget
{
    private readonly ChildProcess _process;
    private readonly HttpClient _control;
    private readonly Uri _alerts;

    private AlertmanagerTarget(ChildProcess process, Uri baseUrl, string version)
    {
        _process = process;
        BaseUrl = baseUrl;
        Version = version;
        _alerts = new Uri(baseUrl, "api/v2/alerts");
        _control = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(2) };
    }

    public string Name => "alertmanager";

    public Uri BaseUrl { get; }

    public string Version { get; }

    public IReadOnlyList<ChildProcess> Processes => [_process];

    public static async Task<AlertmanagerTarget> StartAsync(string folder, string groupBy, Action<string> progress, CancellationToken ct)
    {
        const string binary = "/usr/bin/prometheus-alertmanager";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"{binary} is missing: run bench/run, which installs the Debian package prometheus-alertmanager.");
        }

        var version = await VersionOfAsync(binary, ct);
        Directory.CreateDirectory(Path.Combine(folder, "data"));
        var config = Path.Combine(folder, "alertmanager.yml");
        // JSON is YAML. The receiver has no integrations (a blackhole), and group_wait is long,
        // so nothing is notified during a run: Alertmanager only ingests and keeps alerts.
        var groupByList = groupBy == "..." ? ["..."] : groupBy.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["route"] = new Dictionary<string, object>
            {
                ["receiver"] = "blackhole",
                ["group_by"] = groupByList,
                ["group_wait"] = "1h",
                ["group_interval"] = "1h",
                ["repeat_interval"] = "24h",
            },
            ["receivers"] = new object[] { new Dictionary<string, object> { ["name"] = "blackhole" } },
        }), ct);

        for (var attempt = 1; ; attempt++)
        {
            var port = ChildProcess.FreePort();
            var process = ChildProcess.Start("alertmanager", binary,
            [
                "--config.file=" + config,
                "--storage.path=" + Path.Combine(folder, "data"),
                "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
                "--cluster.listen-address=",
                "--log.level=warn",
            ], folder);
            var target = new AlertmanagerTarget(process, new Uri($"http://127.0.0.1:{port}/"), version);
            try
            {
                await Ready.WaitAsync(target._control, "-/ready", process, TimeSpan.FromSeconds(30), ct);
                progress($"alertmanager {version} ready on {target.BaseUrl} (pid {process.Id}, group_by {string.Join(",", groupByList)}, blackhole receiver)");
                return target;
            }
            catch (Exception) when (attempt < 3 && process.HasExited && process.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await target.DisposeAsync();
            }
            catch
            {
                await target.DisposeAsync();
                throw;
            }
        }
    }

    public byte[] Body(ReadOnlySpan<BenchAlert> alerts) => BenchAlert.AlertmanagerApiBody(alerts);

    public HttpRequestMessage Request(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json.ContentType;
        return new HttpRequestMessage(HttpMethod.Post, _alerts) { Content = content };
    }

    public async Task<string> VerifyAsync(string run, int distinctRequests, int perRequest, int succeeded, CancellationToken ct)
    {
        var distinct = distinctRequests * perRequest;
        var filter = Uri.EscapeDataString($"run=\"{run}\"");
        using var response = await _control.GetAsync($"api/v2/alerts?filter={filter}", ct);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        var count = document.RootElement.GetArrayLength();
        if (count != distinct)
        {
            throw new VerificationException($"alertmanager holds {count} alerts with run={run}, expected {distinct}");
        }

        return $"GET /api/v2/alerts: {count} alerts";
    }

    public ValueTask DisposeAsync()
    {
        _control.Dispose();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static async Task<string> VersionOfAsync(string binary, CancellationToken ct)
    {
        using var process = Process.Start(new ProcessStartInfo(binary, "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var output = await process.StandardOutput.ReadToEndAsync(ct) + await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var line = output.Split('\n').FirstOrDefault(l => l.Contains("version", StringComparison.Ordinal)) ?? "";
        var at = line.IndexOf("version ", StringComparison.Ordinal);
        return at < 0 ? "?" : line[(at + 8)..].Split(' ')[0];
    }
}

/// <summary>
/// Nova as it is deployed: <c>nova control serve</c> and <c>nova region serve</c>, two
/// processes from the Release build, one tenant with one service homed in the region.
/// </summary>
internal sealed class NovaTarget : ITarget
{
    public const string RegionName = "bench-1";

    private readonly ChildProcess _control;
    private readonly ChildProcess _region;
    private readonly HttpClient _setup;
    private readonly string _dataFolder;
    private Uri _ingest = null!;
    private AuthenticationHeaderValue _integration = null!;
    private string _tenantSlug = "";
    private string _operatorKey = "";
    private int _expectedIncidents;
    private int _expectedFiringAlerts;
    private int _expectedIngestAudits;

    private NovaTarget(ChildProcess control, ChildProcess region, string dataFolder, Uri controlUrl, Uri regionUrl)
    {
        _control = control;
        _region = region;
        _dataFolder = dataFolder;
        ControlUrl = controlUrl;
        RegionUrl = regionUrl;
        _setup = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
    }

    public string Name => "nova";

    public Uri ControlUrl { get; }

    public Uri RegionUrl { get; }

    /// <summary>Only the region's CPU is charged: the control plane is not on the ingest path.</summary>
    public IReadOnlyList<ChildProcess> Processes => [_region];

    public ChildProcess ControlProcess => _control;

    public string DatabasePath => Path.Combine(_dataFolder, "regions", RegionName, $"region-{RegionName}.db");

    public static async Task<NovaTarget> StartAsync(string nova, string folder, IReadOnlyDictionary<string, string> extraEnvironment, Action<string> progress, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        // Run from an empty folder, as a service would (WorkingDirectory=/opt/nova), not from the
        // data folder: the host's content root is the working directory.
        var workingDirectory = Path.Combine(Path.GetDirectoryName(folder)!, "nova-cwd");
        Directory.CreateDirectory(workingDirectory);
        var controlPort = ChildProcess.FreePort();
        var regionPort = ChildProcess.FreePort();
        var controlUrl = new Uri($"http://127.0.0.1:{controlPort}/");
        var regionUrl = new Uri($"http://127.0.0.1:{regionPort}/");
        var (file, prefix) = nova.EndsWith(".dll", StringComparison.Ordinal) ? ("dotnet", new[] { nova }) : (nova, Array.Empty<string>());
        var environment = new Dictionary<string, string>(extraEnvironment) { ["DOTNET_NOLOGO"] = "1", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" };

        var control = ChildProcess.Start("nova control", file,
            [.. prefix, "control", "serve", "--url", controlUrl.ToString().TrimEnd('/'), "--region", $"{RegionName}={regionUrl.ToString().TrimEnd('/')}", "--data", folder],
            workingDirectory, environment);
        ChildProcess? region = null;
        NovaTarget? target = null;
        try
        {
            using (var probe = new HttpClient { BaseAddress = controlUrl, Timeout = TimeSpan.FromSeconds(5) })
            {
                await Ready.WaitAsync(probe, "healthz", control, TimeSpan.FromSeconds(60), ct);
            }

            progress($"nova control plane ready on {controlUrl} (pid {control.Id})");
            region = ChildProcess.Start("nova region", file,
                [.. prefix, "region", "serve", "--region", RegionName, "--url", regionUrl.ToString().TrimEnd('/'), "--control-url", controlUrl.ToString().TrimEnd('/'), "--data", folder],
                workingDirectory, environment);
            target = new NovaTarget(control, region, folder, controlUrl, regionUrl);
            using (var probe = new HttpClient { BaseAddress = regionUrl, Timeout = TimeSpan.FromSeconds(5) })
            {
                await Ready.WaitAsync(probe, "healthz", region, TimeSpan.FromSeconds(60), ct);
            }

            progress($"nova region {RegionName} ready on {regionUrl} (pid {region.Id})");
            await target.CreateServiceAsync(progress, ct);
            return target;
        }
        catch
        {
            if (target is not null)
            {
                await target.DisposeAsync();
            }
            else
            {
                region?.Dispose();
                control.Dispose();
            }

            throw;
        }
    }

    public byte[] Body(ReadOnlySpan<BenchAlert> alerts) => BenchAlert.WebhookBody(alerts);

    public HttpRequestMessage Request(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json.ContentType;
        var request = new HttpRequestMessage(HttpMethod.Post, _ingest) { Content = content };
        request.Headers.Authorization = _integration;
        return request;
    }

    public async Task<string> VerifyAsync(string run, int distinctRequests, int perRequest, int succeeded, CancellationToken ct)
    {
        // Each distinct request is one aggregation group (one groupKey): one incident holding its alerts.
        _expectedIncidents += distinctRequests;
        _expectedFiringAlerts += distinctRequests * perRequest;
        _expectedIngestAudits += succeeded;
        // The region's own file, read by another process: what a 2xx promised is in it.
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync(ct);
        var incidents = await ScalarAsync(connection, "SELECT COUNT(*) FROM incidents", ct);
        var firing = await ScalarAsync(connection, "SELECT COUNT(*) FROM alerts WHERE status = 'firing'", ct);
        var audits = await ScalarAsync(connection, "SELECT COUNT(*) FROM audit WHERE action = 'ingest.alertmanager'", ct);
        var unsealed = await ScalarAsync(connection, "SELECT COUNT(*) FROM events WHERE length(body) < 29 OR substr(body, 1, 1) <> x'01'", ct);
        var problems = new List<string>();
        if (incidents != _expectedIncidents)
        {
            problems.Add($"{incidents} incidents, expected {_expectedIncidents}");
        }

        if (firing != _expectedFiringAlerts)
        {
            problems.Add($"{firing} firing alert rows, expected {_expectedFiringAlerts}");
        }

        if (audits != _expectedIngestAudits)
        {
            problems.Add($"{audits} ingest audit rows, expected {_expectedIngestAudits} (one per 2xx)");
        }

        if (unsealed != 0)
        {
            problems.Add($"{unsealed} event bodies not in the sealed format");
        }

        if (problems.Count > 0)
        {
            throw new VerificationException($"nova run {run}: " + string.Join("; ", problems));
        }

        return $"SQLite: {incidents} incidents (+{distinctRequests}), {firing} firing alerts (+{distinctRequests * perRequest}) in total";
    }

    /// <summary>Counts the tenant's incidents through the public API (GET /v1/incidents, 500 a page).</summary>
    public async Task<string> VerifyOverHttpAsync(CancellationToken ct)
    {
        var count = 0;
        var pages = 0;
        string? cursor = null;
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(RegionUrl,
                $"v1/incidents?tenant={_tenantSlug}&limit=500" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _operatorKey);
            using var response = await _setup.SendAsync(request, ct);
            await EnsureAsync(response, ct);
            var page = (await response.Content.ReadFromJsonAsync<IncidentPage>(Json.Web, ct))!;
            count += page.Items.Count;
            pages++;
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        if (count != _expectedIncidents)
        {
            throw new VerificationException($"GET /v1/incidents lists {count} incidents, expected {_expectedIncidents}");
        }

        return $"GET /v1/incidents: {count} incidents in {pages} pages";
    }

    public async ValueTask DisposeAsync()
    {
        _setup.Dispose();
        _region.Dispose();
        _control.Dispose();
        await Task.CompletedTask;
    }

    private async Task CreateServiceAsync(Action<string> progress, CancellationToken ct)
    {
        _operatorKey = (await File.ReadAllTextAsync(Path.Combine(_dataFolder, "control", "operator.key"), ct)).Trim();
        _tenantSlug = "bench" + Guid.NewGuid().ToString("N")[..8];
        var tenant = await PostAsync<TenantView>("v1/tenants",
            new CreateTenantRequest(_tenantSlug, "Benchmark", "business", [RegionName], "pinned", false, null), ct);
        var service = await PostAsync<CreatedService>($"v1/tenants/{tenant.Slug}/services",
            new CreateServiceRequest("alerts", "Benchmark alerts", RegionName, null), ct);
        _integration = new AuthenticationHeaderValue("Bearer", service.IntegrationKey);
        _ingest = new Uri(RegionUrl, "v1/ingest/alertmanager");

        // The region follows the control plane's change feed: wait until it applied the head.
        using var head = new HttpRequestMessage(HttpMethod.Get, new Uri(ControlUrl, "v1/changes?after=" + (long.MaxValue / 2) + "&limit=1"));
        head.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _operatorKey);
        using var headResponse = await _setup.SendAsync(head, ct);
        await EnsureAsync(headResponse, ct);
        var revision = (await headResponse.Content.ReadFromJsonAsync<ChangePage>(Json.Web, ct))!.Head;
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var status = await _setup.GetFromJsonAsync<RegionStatus>(new Uri(RegionUrl, "v1/status"), Json.Web, ct);
            if (status!.AppliedRevision >= revision)
            {
                break;
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"region {RegionName} applied revision {status.AppliedRevision}, control plane is at {revision}");
            }

            await Task.Delay(50, ct);
        }

        progress($"nova tenant {tenant.Slug}, service {service.Service.Slug} homed in {RegionName}; region synced to revision {revision} in {waited.ElapsedMilliseconds} ms");
    }

    private async Task<T> PostAsync<T>(string path, object body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ControlUrl, path)) { Content = JsonContent.Create(body, options: Json.Web) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _operatorKey);
        using var response = await _setup.SendAsync(request, ct);
        await EnsureAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<T>(Json.Web, ct))!;
    }

    private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }
}

internal static class Ready
{
    /// <summary>Polls GET <paramref name="path"/> until it answers 200, the process exits, or the timeout passes.</summary>
    public static async Task WaitAsync(HttpClient client, string path, ChildProcess process, TimeSpan timeout, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        string last = "no answer";
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.Name} exited before it was ready:\n{process.Tail()}");
            }

            try
            {
                using var response = await client.GetAsync(path, ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                last = $"{(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                last = "timed out";
            }

            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"{process.Name} was not ready within {timeout.TotalSeconds:0} s (last: {last}):\n{process.Tail()}");
            }

            await Task.Delay(50, ct);
        }
    }
}
