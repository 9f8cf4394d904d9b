using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Nova.Contracts;

namespace Nova.Integration.Tests;

public sealed class TopologySmokeTests(TopologyFixture nova) : IClassFixture<TopologyFixture>
{
    [Fact]
    public async Task Alertmanager_fixture_opens_an_incident_in_the_services_home_region()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await nova.CreateTenantAsync(ct);
        var service = await nova.CreateServiceAsync(tenant, "eu-west-1", ct);

        using var ingest = TopologyFixture.Client(nova.RegionUrl("eu-west-1"), service.IntegrationKey);
        var response = await ingest.PostAsync("v1/ingest/alertmanager", new StringContent(TopologyFixture.Fixture("alertmanager/firing-single.json"), Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        using var region = nova.Region("eu-west-1");
        var page = await region.GetFromJsonAsync<IncidentPage>($"v1/incidents?tenant={tenant.Slug}", TopologyFixture.Json, ct);
        var incident = Assert.Single(page!.Items);
        Assert.Equal("eu-west-1", incident.Region);
        Assert.Equal("triggered", incident.Status);
        Assert.Equal("p99 latency above 500ms", incident.Title);
    }
}
