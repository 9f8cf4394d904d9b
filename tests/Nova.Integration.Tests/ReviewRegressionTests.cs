using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Nova.Contracts;

namespace Nova.Integration.Tests;

/// <summary>Regressions for problems found in review, each replaying the input that failed.</summary>
public sealed class ReviewRegressionTests(TopologyFixture nova) : IClassFixture<TopologyFixture>
{
    [Theory]
    [InlineData("v1/ingest/alertmanager", """{"version":"4","groupKey":"g","alerts":[{"status":"firing","labels":{"alertname":"\ud800"},"startsAt":"2026-12-03T10:00:00Z"}]}""")]
    [InlineData("v1/ingest/alertmanager", """{"version":"4","groupKey":"g","alerts":[{"status":"firing","labels":{"\udc00x":"y"},"startsAt":"2026-12-03T10:00:00Z"}]}""")]
    [InlineData("v2/enqueue", """{"routing_key":"KEY","event_action":"trigger","payload":{"summary":"\ud83d","source":"s","severity":"info"}}""")]
    public async Task Ingest_is_400_and_stores_nothing_when_a_string_holds_a_lone_surrogate_escape(string path, string body)
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await nova.CreateTenantAsync(ct);
        var service = await nova.CreateServiceAsync(tenant, "eu-west-1", ct);
        using var ingest = TopologyFixture.Client(nova.RegionUrl("eu-west-1"), service.IntegrationKey);

        // Before the fix System.Text.Json threw on GetString() and the answer was a 500, which
        // senders retry forever.
        var response = await ingest.PostAsync(path, new StringContent(body.Replace("KEY", service.IntegrationKey, StringComparison.Ordinal), Encoding.UTF8, "application/json"), ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Unicode", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        using var region = nova.Region("eu-west-1");
        var page = await region.GetFromJsonAsync<IncidentPage>($"v1/incidents?tenant={tenant.Slug}", TopologyFixture.Json, ct);
        Assert.Empty(page!.Items);
    }

    [Fact]
    public async Task Admin_key_is_403_when_it_revokes_an_owner_key()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await nova.CreateTenantAsync(ct);
        var owner = await nova.CreateApiKeyAsync(tenant, "owner", ct);
        var admin = await nova.CreateApiKeyAsync(tenant, "admin", ct);
        using var asAdmin = TopologyFixture.Client(nova.Topology.Info.ControlUrl, admin.Secret);

        var response = await asAdmin.DeleteAsync($"v1/tenants/{tenant.Slug}/api-keys/{owner.Key.Id}", ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var keys = await nova.Control.GetFromJsonAsync<List<ApiKeyView>>($"v1/tenants/{tenant.Slug}/api-keys", TopologyFixture.Json, ct);
        Assert.Null(keys!.Single(k => k.Id == owner.Key.Id).RevokedAt);
    }

    [Theory]
    [InlineData("control", "v1/audit?after=abc")]
    [InlineData("control", "v1/changes?limit=many")]
    [InlineData("eu-west-1", "v1/audit?after=abc")]
    [InlineData("control", "v1/audit?limit=-1")]
    [InlineData("control", "v1/audit?limit=100000")]
    [InlineData("control", "v1/changes?after=-5")]
    [InlineData("eu-west-1", "v1/audit?limit=0")]
    [InlineData("eu-west-1", "v1/audit?limit=99999999999")]
    public async Task Query_parameter_of_the_wrong_type_or_out_of_range_is_a_400_problem_document(string plane, string path)
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = plane == "control" ? TopologyFixture.Client(nova.Topology.Info.ControlUrl, nova.Topology.OperatorKey) : nova.Region(plane);

        var response = await client.GetAsync(path, ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        Assert.Equal(ProblemTypes.Validation, problem.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task PagerDuty_retrigger_with_a_new_summary_and_the_same_severity_updates_the_open_alert()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await nova.CreateTenantAsync(ct);
        var service = await nova.CreateServiceAsync(tenant, "eu-west-1", ct);
        using var region = TopologyFixture.Client(nova.RegionUrl("eu-west-1"), null);
        async Task<string> SendAsync(string summary)
        {
            var body = $$$"""{"routing_key":"{{{service.IntegrationKey}}}","event_action":"trigger","dedup_key":"db-2/lag","payload":{"summary":"{{{summary}}}","source":"db-2","severity":"warning"}}""";
            var response = await region.PostAsync("v2/enqueue", new StringContent(body, Encoding.UTF8, "application/json"), ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return await response.Content.ReadAsStringAsync(ct);
        }

        await SendAsync("lag 31s");
        await SendAsync("lag 31s"); // identical: a repeat, nothing recorded
        await SendAsync("lag 95s"); // same severity, new summary: found in review to be dropped

        using var reader = nova.Region("eu-west-1");
        var page = await reader.GetFromJsonAsync<IncidentPage>($"v1/incidents?tenant={tenant.Slug}", TopologyFixture.Json, ct);
        var incident = Assert.Single(page!.Items);
        var detail = await reader.GetFromJsonAsync<IncidentDetail>($"v1/incidents/{incident.Id}", TopologyFixture.Json, ct);
        Assert.Equal("lag 95s", Assert.Single(detail!.Alerts).Summary);
        Assert.Equal(3, detail.Incident.Version); // opened, fired, updated
        Assert.Single(detail.Timeline, e => e.Kind == "alert.updated");
    }
}
