using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Nova.Contracts;

namespace Nova.EndToEnd.Tests;

public sealed record NovaProcessesOptions
{
    /// <summary>Regions to run, each as its own process; all are in the control plane's catalog.</summary>
    public IReadOnlyList<string> Regions { get; init; } = ["eu-west-1"];

    /// <summary>Start regions with <c>--verbose</c> (debug logs, ASP.NET Core's included).</summary>
    public bool Verbose { get; init; }

    /// <summary>Per process, until <c>/healthz</c> answers. Cold JIT on a busy 2-core box is slow.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Until a region has applied the control plane's head revision.</summary>
    public TimeSpan SyncTimeout { get; init; } = TimeSpan.FromSeconds(45);
}

/// <summary>
/// A Nova topology made of real processes, as it is deployed: the control plane
/// (<c>nova control serve</c>) and each region (<c>nova region serve</c>) in its own child
/// process on a free loopback port, sharing one temporary data folder (the regions read the
/// operator key from <c>control/operator.key</c>). Helpers talk to them over HTTP only.
/// Dispose it to kill every process tree and delete the folder.
/// </summary>
public sealed class NovaProcesses : IAsyncDisposable
{
    public const string ControlName = "control";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<string, NovaProcess> _regions;
    private readonly Dictionary<(string Url, string? Bearer), HttpClient> _clients = [];
    private int _disposed;

    private NovaProcesses(NovaProcessesOptions options, string dataFolder, NovaProcess control, Dictionary<string, NovaProcess> regions)
    {
        Options = options;
        DataFolder = dataFolder;
        Control = control;
        _regions = regions;
    }

    public NovaProcessesOptions Options { get; }

    public string DataFolder { get; }

    public NovaProcess Control { get; }

    public IReadOnlyDictionary<string, NovaProcess> Regions => _regions;

    public IEnumerable<NovaProcess> All => _regions.Values.Prepend(Control);

    /// <summary>The operator key the control plane wrote into <c>DataFolder/control/operator.key</c>.</summary>
    public string OperatorKey { get; private set; } = "";

    public string OperatorKeyFile => Path.Combine(DataFolder, "control", "operator.key");

    /// <summary>The control plane's API with the operator key.</summary>
    public HttpClient ControlApi { get; private set; } = null!;

    public static async Task<NovaProcesses> StartAsync(NovaProcessesOptions? options, CancellationToken ct)
    {
        options ??= new NovaProcessesOptions();
        if (options.Regions.Count == 0)
        {
            throw new ArgumentException("Run at least one region.", nameof(options));
        }

        // Free ports are picked before the processes bind them, so another process can take
        // one in between: then start the whole topology again on new ports.
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var topology = Create(options);
            try
            {
                await topology.StartAllAsync(ct);
                return topology;
            }
            catch (Exception) when (attempt < attempts && topology.All.Any(p => p.FailedToBind))
            {
                await topology.DisposeAsync();
            }
            catch
            {
                await topology.DisposeAsync();
                throw;
            }
        }
    }

    private static NovaProcesses Create(NovaProcessesOptions options)
    {
        var dataFolder = Path.Combine(Path.GetTempPath(), "nova-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dataFolder);
        var ports = FreeLoopbackPorts(options.Regions.Count + 1);
        var controlUrl = Url(ports[0]);
        var regionUrls = options.Regions.Select((r, i) => (Name: r, Url: Url(ports[i + 1]))).ToList();

        List<string> controlArgs = ["control", "serve", "--data", dataFolder, "--url", controlUrl];
        foreach (var (name, url) in regionUrls)
        {
            controlArgs.AddRange(["--region", $"{name}={url}"]);
        }

        var regions = new Dictionary<string, NovaProcess>(StringComparer.Ordinal);
        foreach (var (name, url) in regionUrls)
        {
            List<string> args = ["region", "serve", "--data", dataFolder, "--region", name, "--url", url, "--control-url", controlUrl];
            if (options.Verbose)
            {
                args.Add("--verbose");
            }

            regions[name] = new NovaProcess(name, url, args);
        }

        return new NovaProcesses(options, dataFolder, new NovaProcess(ControlName, controlUrl, controlArgs), regions);
    }

    private async Task StartAllAsync(CancellationToken ct)
    {
        await Control.StartAsync(Options.StartupTimeout, ct);
        // The control plane writes the key before it listens, so it is there once /healthz answers.
        OperatorKey = (await File.ReadAllTextAsync(OperatorKeyFile, ct)).Trim();
        if (OperatorKey.Length == 0)
        {
            throw new InvalidOperationException($"{OperatorKeyFile} is empty.\n{Control.Describe()}");
        }

        ControlApi = CachedClient(Control.Url, OperatorKey);
        await Task.WhenAll(_regions.Values.Select(r => r.StartAsync(Options.StartupTimeout, ct)));
        foreach (var region in _regions.Keys)
        {
            await WaitForSyncAsync(region, ct);
        }
    }

    public NovaProcess Region(string name) =>
        _regions.TryGetValue(name, out var region) ? region : throw new ArgumentException($"No region {name} in this topology.", nameof(name));

    /// <summary>An HTTP client for a region with the operator key (or <paramref name="bearer"/>). Owned by the topology: do not dispose.</summary>
    public HttpClient RegionApi(string region, string? bearer = null) => CachedClient(Region(region).Url, bearer ?? OperatorKey);

    /// <summary>An HTTP client without credentials for a region (ingest with the key in the URL or body). Do not dispose.</summary>
    public HttpClient RegionAnonymous(string region) => CachedClient(Region(region).Url, null);

    /// <summary><c>kill -9</c> of one region's process.</summary>
    public async Task KillRegionAsync(string region)
    {
        await Region(region).KillAsync();
        ForgetClients(Region(region).Url);
    }

    /// <summary>Starts a region again on the same data folder and port; waits for /healthz and for it to catch up.</summary>
    public async Task RestartRegionAsync(string region, CancellationToken ct)
    {
        var process = Region(region);
        await process.KillAsync();
        ForgetClients(process.Url);
        // The port was just released; should anything still hold it, try again shortly.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await process.StartAsync(Options.StartupTimeout, ct);
                break;
            }
            catch (InvalidOperationException) when (attempt < 5 && process.FailedToBind)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }

        await WaitForSyncAsync(region, ct);
    }

    // ---------------------------------------------------------------- control plane

    /// <summary>A new tenant with a unique slug, allowed in the given regions (default: every region running).</summary>
    public async Task<TenantView> CreateTenantAsync(CancellationToken ct, params string[] allowedRegions)
    {
        var slug = "t" + Guid.NewGuid().ToString("N")[..10];
        var regions = allowedRegions.Length == 0 ? _regions.Keys.ToArray() : allowedRegions;
        using var response = await ControlApi.PostAsJsonAsync(
            "v1/tenants", new CreateTenantRequest(slug, "E2E " + slug, "business", regions, "pinned", false, null), Json, ct);
        await EnsureSuccessAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<TenantView>(Json, ct))!;
    }

    /// <summary>
    /// A new service homed in <paramref name="home"/>; returns once that region has applied
    /// the change, so its integration key works for ingest there.
    /// </summary>
    public async Task<CreatedService> CreateServiceAsync(TenantView tenant, string home, CancellationToken ct)
    {
        var slug = "s" + Guid.NewGuid().ToString("N")[..8];
        using var response = await ControlApi.PostAsJsonAsync(
            $"v1/tenants/{tenant.Slug}/services", new CreateServiceRequest(slug, null, home, null), Json, ct);
        await EnsureSuccessAsync(response, ct);
        var created = (await response.Content.ReadFromJsonAsync<CreatedService>(Json, ct))!;
        await WaitForSyncAsync(home, ct);
        return created;
    }

    /// <summary>Adds an integration with a chosen key to a service; returns once its home region applied it.</summary>
    public async Task AddIntegrationAsync(TenantView tenant, ServiceView service, string key, CancellationToken ct)
    {
        using var response = await ControlApi.PostAsJsonAsync(
            $"v1/tenants/{tenant.Slug}/services/{service.Slug}/integrations", new { key }, Json, ct);
        await EnsureSuccessAsync(response, ct);
        await WaitForSyncAsync(service.HomeRegion, ct);
    }

    /// <summary>The newest revision of the control plane's change feed.</summary>
    public async Task<long> HeadRevisionAsync(CancellationToken ct)
    {
        var after = (long.MaxValue / 2).ToString(CultureInfo.InvariantCulture);
        var page = await ControlApi.GetFromJsonAsync<ChangePage>($"v1/changes?after={after}&limit=1", Json, ct);
        return page!.Head;
    }

    /// <summary>Waits until the region's <c>/v1/status</c> appliedRevision reaches the control plane's head.</summary>
    public async Task<RegionStatus> WaitForSyncAsync(string region, CancellationToken ct)
    {
        var head = await HeadRevisionAsync(ct);
        using var client = NewClient(Region(region).Url, null);
        return await Poll.UntilAsync(
            $"{region} to apply control plane revision {head}",
            async token => await client.GetFromJsonAsync<RegionStatus>("v1/status", Json, token),
            status => status.AppliedRevision >= head,
            Options.SyncTimeout,
            Describe,
            ct);
    }

    // ---------------------------------------------------------------- region

    public async Task<IncidentPage> IncidentsAsync(string region, TenantView tenant, CancellationToken ct)
    {
        using var response = await RegionApi(region).GetAsync($"v1/incidents?tenant={tenant.Slug}&limit=500", ct);
        await EnsureSuccessAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<IncidentPage>(Json, ct))!;
    }

    public async Task<IncidentDetail> IncidentAsync(string region, string incidentId, CancellationToken ct)
    {
        using var response = await RegionApi(region).GetAsync($"v1/incidents/{incidentId}", ct);
        await EnsureSuccessAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<IncidentDetail>(Json, ct))!;
    }

    /// <summary>Polls the tenant's incidents in a region until <paramref name="done"/> holds.</summary>
    public Task<IncidentPage> WaitForIncidentsAsync(
        string region, TenantView tenant, string what, Func<IncidentPage, bool> done, TimeSpan timeout, CancellationToken ct, Func<string>? describeMore = null) =>
        Poll.UntilAsync(
            what,
            async token => (IncidentPage?)await IncidentsAsync(region, tenant, token),
            done,
            timeout,
            () => describeMore is null ? Describe() : describeMore() + "\n" + Describe(),
            ct);

    /// <summary>Posts a JSON body; the integration key goes in as a bearer token when given.</summary>
    public async Task<HttpResponseMessage> PostJsonAsync(string region, string path, string json, string? bearer, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await RegionAnonymous(region).SendAsync(request, ct);
    }

    // ---------------------------------------------------------------- plumbing

    /// <summary>A new client (the caller disposes it).</summary>
    public static HttpClient NewClient(string baseUrl, string? bearer)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    private HttpClient CachedClient(string baseUrl, string? bearer)
    {
        lock (_clients)
        {
            if (!_clients.TryGetValue((baseUrl, bearer), out var client))
            {
                client = NewClient(baseUrl, bearer);
                _clients[(baseUrl, bearer)] = client;
            }

            return client;
        }
    }

    /// <summary>Drops pooled connections to a process that was killed.</summary>
    private void ForgetClients(string baseUrl)
    {
        lock (_clients)
        {
            foreach (var key in _clients.Keys.Where(k => k.Url == baseUrl).ToList())
            {
                _clients.Remove(key, out var client);
                client!.Dispose();
            }
        }
    }

    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"{(int)response.StatusCode} {response.ReasonPhrase} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: " +
                await response.Content.ReadAsStringAsync(ct));
        }
    }

    /// <summary>Every process's state and the tail of its output, for assertion messages.</summary>
    public string Describe() =>
        $"data folder {DataFolder}\n" + string.Join("\n", All.Select(p => p.Describe()));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        lock (_clients)
        {
            foreach (var client in _clients.Values)
            {
                client.Dispose();
            }

            _clients.Clear();
        }

        await Task.WhenAll(All.Select(p => p.DisposeAsync().AsTask()));
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (Directory.Exists(DataFolder))
                {
                    Directory.Delete(DataFolder, recursive: true);
                }

                break;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Task.Delay(200);
            }
        }
    }

    private static string Url(int port) => "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);

    private static List<int> FreeLoopbackPorts(int count)
    {
        // Hold every listener until all ports are known, so the ports differ.
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}

/// <summary>Polling with a deadline: the way to wait for anything asynchronous on a busy machine.</summary>
public static class Poll
{
    /// <summary>
    /// Calls <paramref name="probe"/> until <paramref name="done"/> holds for its answer, and
    /// returns that answer. Failing probes (connection refused, timeouts, 5xx) are retried.
    /// Throws a TimeoutException with the last answer and <paramref name="describe"/>'s text.
    /// </summary>
    public static async Task<T> UntilAsync<T>(
        string what, Func<CancellationToken, Task<T?>> probe, Func<T, bool> done, TimeSpan timeout, Func<string>? describe, CancellationToken ct)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(50);
        string last = "no answer yet";
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                var value = await probe(ct);
                if (value is not null && done(value))
                {
                    return value;
                }

                last = value is null ? "null" : JsonSerializer.Serialize(value, NovaProcesses.Json);
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
            {
                last = ex.GetType().Name + ": " + ex.Message;
            }

            if (clock.Elapsed > timeout)
            {
                if (last.Length > 4000)
                {
                    last = last[..4000] + "…";
                }

                throw new TimeoutException($"Waited {clock.Elapsed.TotalSeconds:0.0} s for {what}.\nLast answer: {last}\n{describe?.Invoke()}");
            }

            await Task.Delay(delay, ct);
            delay = TimeSpan.FromMilliseconds(Math.Min(500, delay.TotalMilliseconds * 2));
        }
    }
}
