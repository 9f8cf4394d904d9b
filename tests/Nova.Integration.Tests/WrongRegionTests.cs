using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Nova.Contracts;
using Nova.Integration.Tests.Support;

namespace Nova.Integration.Tests;

/// <summary>Invariant 2: a request at the wrong region is answered 421 naming the right one, and nothing is stored.</summary>
public sealed class WrongRegionTests(TopologyFixture nova) : IClassFixture<TopologyFixture>
{
    private const string Home = "eu-west-1";
    private const string Elsewhere = "us-east-1";

    [Theory]
    [InlineData("alertmanager-bearer")]
    [InlineData("alertmanager-key-in-path")]
    [InlineData("pagerduty")]
    public async Task Ingest_is_421_naming_the_home_region_and_stores_nothing_when_sent_to_another_region(string sender)
    {
        var ct = TestContext.Current.CancellationToken;
        // The tenant may live in us-east-1 too, so only the service's placement makes it the wrong region.
        var tenant = await nova.CreateTenantAsync(ct, Home, Elsewhere);
        var service = await nova.CreateServiceAsync(tenant, Home, ct);
        var serviceId = service.Service.Id;

        var response = await SendAsync(sender, nova.RegionUrl(Elsewhere), service.IntegrationKey, ct);

        var problem = await Api.ProblemAsync(response, HttpStatusCode.MisdirectedRequest, ProblemTypes.WrongRegion, ct);
        Assert.Equal(Home, problem.GetProperty("region").GetString());
        Assert.Equal(nova.RegionUrl(Home), problem.GetProperty("url").GetString());
        Assert.Contains(Home, problem.GetProperty("detail").GetString()!, StringComparison.Ordinal);

        using var operatorClient = nova.Region(Elsewhere);
        var page = await operatorClient.GetFromJsonAsync<IncidentPage>($"v1/incidents?tenant={tenant.Slug}", TopologyFixture.Json, ct);
        Assert.Empty(page!.Items);
        var store = StoreFiles.RegionDatabasePath(nova.DataFolder, Elsewhere);
        Assert.Equal(0, StoreFiles.Count(store, "SELECT COUNT(*) FROM events WHERE service_id = @serviceId", new { serviceId }));
        Assert.Equal(0, StoreFiles.Count(store, "SELECT COUNT(*) FROM incidents WHERE service_id = @serviceId", new { serviceId }));
        Assert.Equal(0, StoreFiles.Count(store, "SELECT COUNT(*) FROM alerts WHERE service_id = @serviceId", new { serviceId }));
        Assert.Equal(0, StoreFiles.Count(store, "SELECT COUNT(*) FROM data_keys WHERE tenant_id = @id", new { id = tenant.Id }));

        // The same request at the home region is stored there, and the queries above see it.
        var atHome = await SendAsync(sender, nova.RegionUrl(Home), service.IntegrationKey, ct);
        Assert.True(atHome.IsSuccessStatusCode, $"home region answered {(int)atHome.StatusCode}: {await atHome.Content.ReadAsStringAsync(ct)}");
        var homeStore = StoreFiles.RegionDatabasePath(nova.DataFolder, Home);
        Assert.True(StoreFiles.Count(homeStore, "SELECT COUNT(*) FROM events WHERE service_id = @serviceId", new { serviceId }) > 0);
        Assert.Equal(1, StoreFiles.Count(homeStore, "SELECT COUNT(*) FROM incidents WHERE service_id = @serviceId", new { serviceId }));
        Assert.Equal(0, StoreFiles.Count(store, "SELECT COUNT(*) FROM events WHERE service_id = @serviceId", new { serviceId }));
    }

    [Fact]
    public async Task Incident_list_is_421_naming_an_allowed_region_when_a_tenant_key_asks_a_region_outside_the_tenants_policy()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await nova.CreateTenantAsync(ct, "eu-central-1", Home);
        var responder = await nova.CreateApiKeyAsync(tenant, "responder", ct);
        using var client = TopologyFixture.Client(nova.RegionUrl(Elsewhere), responder.Secret);

        foreach (var path in (string[])["v1/incidents", $"v1/incidents?tenant={tenant.Slug}"])
        {
            var problem = await Api.ProblemAsync(await client.GetAsync(path, ct), HttpStatusCode.MisdirectedRequest, ProblemTypes.WrongRegion, ct);
            var region = problem.GetProperty("region").GetString()!;
            Assert.Contains(region, tenant.AllowedRegions);
            Assert.Equal(nova.RegionUrl(region), problem.GetProperty("url").GetString());
        }

        // The operator key naming the tenant gets the same answer.
        using var operatorClient = nova.Region(Elsewhere);
        var asOperator = await Api.ProblemAsync(
            await operatorClient.GetAsync($"v1/incidents?tenant={tenant.Slug}", ct), HttpStatusCode.MisdirectedRequest, ProblemTypes.WrongRegion, ct);
        Assert.Contains(asOperator.GetProperty("region").GetString()!, tenant.AllowedRegions);

        // In an allowed region the same key is served.
        using var allowed = TopologyFixture.Client(nova.RegionUrl(Home), responder.Secret);
        Assert.Equal(HttpStatusCode.OK, (await allowed.GetAsync("v1/incidents", ct)).StatusCode);
    }

    [Fact]
    public async Task Incident_list_for_a_service_is_421_naming_its_home_region_when_asked_of_another_allowed_region()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await nova.CreateTenantAsync(ct, Home, "eu-central-1");
        var service = await nova.CreateServiceAsync(tenant, Home, ct);
        var viewer = await nova.CreateApiKeyAsync(tenant, "viewer", ct);
        using var other = TopologyFixture.Client(nova.RegionUrl("eu-central-1"), viewer.Secret);

        foreach (var name in (string[])[service.Service.Slug, service.Service.Id])
        {
            var problem = await Api.ProblemAsync(
                await other.GetAsync($"v1/incidents?service={name}", ct), HttpStatusCode.MisdirectedRequest, ProblemTypes.WrongRegion, ct);
            Assert.Equal(Home, problem.GetProperty("region").GetString());
            Assert.Equal(nova.RegionUrl(Home), problem.GetProperty("url").GetString());
        }

        using var home = TopologyFixture.Client(nova.RegionUrl(Home), viewer.Secret);
        var page = await Api.JsonAsync(await home.GetAsync($"v1/incidents?service={service.Service.Slug}", ct), HttpStatusCode.OK, ct);
        Assert.Equal(JsonValueKind.Array, page.GetProperty("items").ValueKind);
    }

    private static async Task<HttpResponseMessage> SendAsync(string sender, string regionUrl, string integrationKey, CancellationToken ct)
    {
        var alertname = "WrongRegion" + Guid.NewGuid().ToString("N")[..6];
        switch (sender)
        {
            case "alertmanager-bearer":
                {
                    using var client = TopologyFixture.Client(regionUrl, integrationKey);
                    return await client.PostAsync("v1/ingest/alertmanager", Api.JsonContent(Bodies.Alertmanager(alertname)), ct);
                }

            case "alertmanager-key-in-path":
                {
                    using var client = TopologyFixture.Client(regionUrl, null);
                    return await client.PostAsync("v1/ingest/alertmanager/" + integrationKey, Api.JsonContent(Bodies.Alertmanager(alertname)), ct);
                }

            default:
                {
                    using var client = TopologyFixture.Client(regionUrl, null);
                    return await client.PostAsync("v2/enqueue", Api.JsonContent(Bodies.PagerDutyTrigger(integrationKey, alertname, "dedup/" + alertname)), ct);
                }
        }
    }
}
