using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Nova.Contracts;
using Nova.Integration.Tests.Support;

namespace Nova.Integration.Tests;

/// <summary>
/// Tests that measure time run alone (after the parallel ones), so two shared cores busy with
/// other topologies do not decide their outcome.
/// </summary>
[CollectionDefinition(nameof(TimingSensitive), DisableParallelization = true)]
public sealed class TimingSensitive;

/// <summary>A topology whose regions pull the change feed at the product's default interval, as <c>nova up</c> runs them.</summary>
public sealed class DefaultSyncTopology : IAsyncLifetime
{
    public TopologyFixture Nova { get; } = new(syncInterval: null);

    public ValueTask InitializeAsync() => Nova.InitializeAsync();

    public ValueTask DisposeAsync() => Nova.DisposeAsync();
}

/// <summary>The change feed carries configuration from the control plane into every region's cache.</summary>
[Collection(nameof(TimingSensitive))]
public sealed class ConfigSyncTests(DefaultSyncTopology topology) : IClassFixture<DefaultSyncTopology>
{
    private static readonly TimeSpan Promise = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(50);

    private TopologyFixture Nova => topology.Nova;

    [Fact]
    public async Task New_service_ingests_in_its_home_region_within_2_seconds_when_created_at_the_control_plane()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await Nova.CreateTenantAsync(ct);

        var response = await Nova.Control.PostAsync($"v1/tenants/{tenant.Slug}/services",
            Api.JsonContent(new CreateServiceRequest("s" + Guid.NewGuid().ToString("N")[..8], null, "eu-central-1", null)), ct);
        var clock = Stopwatch.StartNew();
        await TopologyFixture.EnsureAsync(response, ct);
        var created = (await response.Content.ReadFromJsonAsync<CreatedService>(TopologyFixture.Json, ct))!;
        Assert.Equal(Nova.RegionUrl("eu-central-1") + "/v1/ingest/alertmanager", created.Ingest.Alertmanager);

        using var ingest = TopologyFixture.Client(Nova.RegionUrl("eu-central-1"), created.IntegrationKey);
        var body = Bodies.Alertmanager("SyncProbe");
        var elapsed = await PollUntilAsync(async () =>
        {
            using var attempt = await ingest.PostAsync("v1/ingest/alertmanager", Api.JsonContent(body), ct);
            // Until the region has the key it must say so (401), never store or misroute.
            Assert.True(attempt.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized, $"ingest answered {(int)attempt.StatusCode}");
            return attempt.StatusCode == HttpStatusCode.OK;
        }, clock, ct);

        TestContext.Current.TestOutputHelper?.WriteLine($"first 200 ingest {elapsed.TotalMilliseconds:0} ms after the create response");
        Assert.True(elapsed < Promise, $"The service could ingest only {elapsed.TotalMilliseconds:0} ms after it was created.");
        using var operatorClient = Nova.Region("eu-central-1");
        var page = await operatorClient.GetFromJsonAsync<IncidentPage>($"v1/incidents?tenant={tenant.Slug}", TopologyFixture.Json, ct);
        Assert.Equal("SyncProbe fired", Assert.Single(page!.Items).Title);
    }

    [Fact]
    public async Task Region_status_reports_the_control_planes_head_as_applied_revision_when_synced()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await Nova.CreateTenantAsync(ct);
        await Nova.CreateServiceAsync(tenant, "eu-west-1", ct);
        var head = await Nova.HeadRevisionAsync(ct);
        Assert.True(head > 0);

        foreach (var region in Nova.Topology.Info.Regions.Keys)
        {
            using var client = TopologyFixture.Client(Nova.RegionUrl(region), null);
            RegionStatus? status = null;
            await PollUntilAsync(async () =>
            {
                status = await client.GetFromJsonAsync<RegionStatus>("v1/status", TopologyFixture.Json, ct);
                return status!.AppliedRevision >= head && status.ControlRevision >= head;
            }, Stopwatch.StartNew(), ct);

            // Nothing else writes to this topology's control plane while this class runs.
            Assert.Equal(region, status!.Region);
            Assert.Equal(head, status.AppliedRevision);
            Assert.Equal(head, status.ControlRevision);
            Assert.True(status.ControlPlaneReachable);
            Assert.Null(status.LastSyncError);
            Assert.NotNull(status.LastSyncAt);
        }
    }

    [Fact]
    public async Task Region_status_counts_the_customers_placed_there_for_operators_only()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await Nova.CreateTenantAsync(ct);
        await Nova.CreateServiceAsync(tenant, "eu-west-1", ct);
        var viewer = await Nova.CreateApiKeyAsync(tenant, "viewer", ct);
        await Nova.WaitForSyncAsync(ct);
        using var anonymous = TopologyFixture.Client(Nova.RegionUrl("eu-west-1"), null);
        using var customer = TopologyFixture.Client(Nova.RegionUrl("eu-west-1"), viewer.Secret);
        using var operatorClient = Nova.Region("eu-west-1");

        var open = await anonymous.GetFromJsonAsync<RegionStatus>("v1/status", TopologyFixture.Json, ct);
        var seenByCustomer = await customer.GetFromJsonAsync<RegionStatus>("v1/status", TopologyFixture.Json, ct);
        var seenByOperator = await operatorClient.GetFromJsonAsync<RegionStatus>("v1/status", TopologyFixture.Json, ct);

        Assert.Equal((null, null), (open!.Tenants, open.Services));
        Assert.Equal((null, null), (seenByCustomer!.Tenants, seenByCustomer.Services));
        Assert.True(seenByOperator!.Tenants >= 1 && seenByOperator.Services >= 1, $"{seenByOperator}");
    }

    [Fact]
    public async Task Api_key_is_accepted_by_a_region_within_2_seconds_when_created_and_refused_within_2_seconds_when_revoked()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await Nova.CreateTenantAsync(ct);

        var response = await Nova.Control.PostAsync($"v1/tenants/{tenant.Slug}/api-keys", Api.JsonContent(new CreateApiKeyRequest("pager", "responder")), ct);
        var clock = Stopwatch.StartNew();
        await TopologyFixture.EnsureAsync(response, ct);
        var key = (await response.Content.ReadFromJsonAsync<CreatedApiKey>(TopologyFixture.Json, ct))!;
        using var region = TopologyFixture.Client(Nova.RegionUrl("eu-west-1"), key.Secret);
        var accepted = await PollUntilAsync(async () =>
        {
            using var attempt = await region.GetAsync("v1/incidents", ct);
            Assert.True(attempt.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized, $"list answered {(int)attempt.StatusCode}");
            return attempt.StatusCode == HttpStatusCode.OK;
        }, clock, ct);
        Assert.True(accepted < Promise, $"The new key worked in the region only after {accepted.TotalMilliseconds:0} ms.");

        var revoke = await Nova.Control.DeleteAsync($"v1/tenants/{tenant.Slug}/api-keys/{key.Key.Id}", ct);
        clock.Restart();
        await TopologyFixture.EnsureAsync(revoke, ct);
        var refused = await PollUntilAsync(async () =>
        {
            using var attempt = await region.GetAsync("v1/incidents", ct);
            Assert.True(attempt.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized, $"list answered {(int)attempt.StatusCode}");
            return attempt.StatusCode == HttpStatusCode.Unauthorized;
        }, clock, ct);
        TestContext.Current.TestOutputHelper?.WriteLine($"key accepted after {accepted.TotalMilliseconds:0} ms, refused {refused.TotalMilliseconds:0} ms after revocation");
        Assert.True(refused < Promise, $"The revoked key still worked in the region {refused.TotalMilliseconds:0} ms after revocation.");
        var problem = await Api.ProblemAsync(await region.GetAsync("v1/incidents", ct), HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized, ct);
        Assert.Contains("revoked", problem.GetProperty("detail").GetString()!, StringComparison.Ordinal);
    }

    /// <summary>Polls every 50 ms until <paramref name="done"/>; returns the time on <paramref name="clock"/>. Gives up after 15 s.</summary>
    private static async Task<TimeSpan> PollUntilAsync(Func<Task<bool>> done, Stopwatch clock, CancellationToken ct)
    {
        var deadline = TimeSpan.FromSeconds(15);
        while (true)
        {
            if (await done())
            {
                return clock.Elapsed;
            }

            Assert.True(clock.Elapsed < deadline, $"Still not done after {deadline.TotalSeconds} s.");
            await Task.Delay(PollEvery, ct);
        }
    }
}
