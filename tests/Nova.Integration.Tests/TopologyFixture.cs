using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Nova.Cli.Hosting;
using Nova.Contracts;

namespace Nova.Integration.Tests;

/// <summary>
/// A whole local topology (control plane + three regions, each a real Kestrel host on its
/// own loopback port and SQLite file) in a fresh temp folder. Shared by the tests of one
/// class; each test makes its own tenant, so tests never see each other's data.
/// </summary>
/// <remarks>
/// Not sealed: <see cref="FakeClockTopologyFixture"/> runs the same topology on a fake clock,
/// <see cref="ShortBusyTimeoutTopologyFixture"/> with a short SQLite busy timeout.
/// </remarks>
public class TopologyFixture : IAsyncLifetime
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly TimeSpan? _syncInterval;
    private readonly TimeProvider? _time;
    private readonly TimeSpan? _staleSweepInterval;
    private readonly TimeSpan? _storeBusyTimeout;

    /// <summary>The class-fixture form: regions pull the change feed every 100 ms.</summary>
    public TopologyFixture()
        : this(syncInterval: TimeSpan.FromMilliseconds(100))
    {
    }

    /// <summary>
    /// For tests that start their own topology (and stop parts of it). A null interval keeps
    /// the product default, as <c>nova up</c> runs it. Internal: xunit needs one public constructor.
    /// </summary>
    internal TopologyFixture(TimeSpan? syncInterval) => _syncInterval = syncInterval;

    /// <summary>For fixtures that run the topology on a fake clock or with a short SQLite busy timeout.</summary>
    protected TopologyFixture(TimeProvider? time, TimeSpan? staleSweepInterval = null, TimeSpan? storeBusyTimeout = null)
    {
        _syncInterval = TimeSpan.FromMilliseconds(100);
        _time = time;
        _staleSweepInterval = staleSweepInterval;
        _storeBusyTimeout = storeBusyTimeout;
    }

    public string DataFolder { get; } = Path.Combine(Path.GetTempPath(), "nova-it-" + Guid.NewGuid().ToString("N")[..12]);

    public LocalTopology Topology { get; private set; } = null!;

    /// <summary>An HTTP client for the control plane with the operator key.</summary>
    public HttpClient Control { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Topology = await LocalTopology.StartAsync(
            DataFolder, LocalTopology.DefaultRegions, basePort: 0, time: _time, syncInterval: _syncInterval,
            staleSweepInterval: _staleSweepInterval, storeBusyTimeout: _storeBusyTimeout);
        Control = Client(Topology.Info.ControlUrl, Topology.OperatorKey);
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        Control.Dispose();
        await Topology.DisposeAsync();
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public string RegionUrl(string region) => Topology.Info.Regions[region];

    /// <summary>A client for a region; with no key given, the operator key.</summary>
    public HttpClient Region(string region, string? apiKey = null) => Client(RegionUrl(region), apiKey ?? Topology.OperatorKey);

    public static HttpClient Client(string baseUrl, string? bearer)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>A new tenant with a unique slug.</summary>
    public async Task<TenantView> CreateTenantAsync(CancellationToken ct, params string[] allowedRegions)
    {
        var slug = "t" + Guid.NewGuid().ToString("N")[..10];
        var response = await Control.PostAsJsonAsync("v1/tenants", new CreateTenantRequest(
            slug, null, "business", allowedRegions.Length == 0 ? ["eu-west-1", "eu-central-1"] : allowedRegions, "pinned", false, null), Json, ct);
        await EnsureAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<TenantView>(Json, ct))!;
    }

    /// <summary>A new service homed in <paramref name="home"/>, usable for ingest in that region when this returns.</summary>
    public async Task<CreatedService> CreateServiceAsync(TenantView tenant, string home, CancellationToken ct, int? staleAfterMinutes = null)
    {
        var slug = "s" + Guid.NewGuid().ToString("N")[..8];
        var response = await Control.PostAsJsonAsync($"v1/tenants/{tenant.Slug}/services", new CreateServiceRequest(slug, null, home, staleAfterMinutes), Json, ct);
        await EnsureAsync(response, ct);
        var created = (await response.Content.ReadFromJsonAsync<CreatedService>(Json, ct))!;
        await WaitForSyncAsync(ct);
        return created;
    }

    /// <summary>A tenant API key with a role.</summary>
    public async Task<CreatedApiKey> CreateApiKeyAsync(TenantView tenant, string role, CancellationToken ct)
    {
        var response = await Control.PostAsJsonAsync($"v1/tenants/{tenant.Slug}/api-keys", new CreateApiKeyRequest("test " + role, role), Json, ct);
        await EnsureAsync(response, ct);
        var created = (await response.Content.ReadFromJsonAsync<CreatedApiKey>(Json, ct))!;
        await WaitForSyncAsync(ct);
        return created;
    }

    /// <summary>The control plane's newest change-feed revision.</summary>
    public async Task<long> HeadRevisionAsync(CancellationToken ct)
    {
        var page = await Control.GetFromJsonAsync<ChangePage>("v1/changes?after=" + long.MaxValue / 2 + "&limit=1", Json, ct);
        return page!.Head;
    }

    /// <summary>Waits until every running region has applied the control plane's head revision.</summary>
    public virtual async Task WaitForSyncAsync(CancellationToken ct, TimeSpan? timeout = null)
    {
        var head = await HeadRevisionAsync(ct);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        foreach (var region in Topology.Info.Regions.Keys)
        {
            while (true)
            {
                RegionStatus? status = null;
                try
                {
                    using var client = Client(RegionUrl(region), null);
                    status = await client.GetFromJsonAsync<RegionStatus>("v1/status", Json, ct);
                }
                catch (HttpRequestException)
                {
                    break; // a stopped region is not waited for
                }

                if (status!.AppliedRevision >= head)
                {
                    break;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"{region} applied revision {status.AppliedRevision}, control plane is at {head}.");
                }

                await Task.Delay(25, ct);
            }
        }
    }

    public static async Task EnsureAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{(int)response.StatusCode} from {response.RequestMessage?.RequestUri}: {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    /// <summary>The shared fixtures folder (../shared/fixtures next to the repository).</summary>
    public static string FixturesFolder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                foreach (var candidate in (string[])[Path.Combine(dir.FullName, "shared", "fixtures"), Path.Combine(dir.FullName, "..", "shared", "fixtures")])
                {
                    if (Directory.Exists(candidate))
                    {
                        return Path.GetFullPath(candidate);
                    }
                }
            }

            throw new DirectoryNotFoundException("shared/fixtures not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>A fixture body with the fixtures' integration key replaced by <paramref name="key"/>.</summary>
    public static string Fixture(string relativePath, string? key = null)
    {
        var text = File.ReadAllText(Path.Combine(FixturesFolder, relativePath));
        return key is null ? text : text.Replace("a1b2c3d4e5f60718293a4b5c6d7e8f90", key, StringComparison.Ordinal);
    }
}
