using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Nova.Integration.Tests;

/// <summary>
/// Input a sender can get wrong: each is refused with a problem (or PagerDuty's error body)
/// that says what to fix, and nothing of it is stored. Alertmanager drops every 4xx for good,
/// so none of these may be a 5xx.
/// </summary>
public sealed class BadInputTests(TopologyFixture nova) : IClassFixture<TopologyFixture>
{
    private const string T1 = "2026-12-03T10:00:00Z";
    private const int WebhookLimit = 1024 * 1024;
    private const int PagerDutyLimit = 512 * 1024;

    // ---- Alertmanager: body ------------------------------------------------------------

    [Theory]
    [InlineData("""{"version": "4", "alerts": [""")]
    [InlineData("""{"version": "4",}""")]
    [InlineData("version=4")]
    [InlineData("""{"version": "4", "alerts": []} trailing""")]
    public async Task Webhook_is_400_malformed_json_and_stores_nothing_when_the_body_is_not_json(string body)
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);

        using var response = await nova.SendAlertmanagerAsync(service.IntegrationKey, body, ct);

        await NovaApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "urn:nova:problem:malformed-json", ct);
        await nova.AssertNothingStoredAsync(tenant, ct);
    }

    [Fact]
    public async Task Webhook_nested_too_deep_is_400_saying_so_rather_than_calling_it_a_syntax_error()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var body = """{"version": "4", "alerts": """ + new string('[', 5000) + new string(']', 5000) + "}";

        using var response = await nova.SendAlertmanagerAsync(service.IntegrationKey, body, ct);

        var problem = await NovaApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "urn:nova:problem:malformed-json", ct);
        Assert.Contains("deeper than 64 levels", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await nova.AssertNothingStoredAsync(tenant, ct);
    }

    [Fact]
    public async Task Webhook_is_400_malformed_json_and_stores_nothing_when_the_body_is_empty()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);

        using var response = await nova.SendAlertmanagerAsync(service.IntegrationKey, "", ct);

        await NovaApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "urn:nova:problem:malformed-json", ct);
        await nova.AssertNothingStoredAsync(tenant, ct);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""[{"version": "4"}]""")]
    [InlineData("null")]
    [InlineData("\"firing\"")]
    [InlineData("4")]
    public async Task Json_that_is_not_an_object_is_400_naming_the_root_and_stores_nothing(string body)
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);

        using var response = await nova.SendAlertmanagerAsync(service.IntegrationKey, body, ct);

        var problem = await NovaApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "urn:nova:problem:validation", ct);
        Assert.Equal(["$"], NovaApi.ErrorFields(problem));
        await nova.AssertNothingStoredAsync(tenant, ct);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("5")]
    [InlineData("2")]
    public async Task Unsupported_webhook_version_is_400_unsupported_version_and_stores_nothing(string version)
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var message = Am.MessageNode("g", Am.Alert("A", T1));
        message["version"] = version;

        using var response = await nova.SendAlertmanagerAsync(service.IntegrationKey, message.ToJsonString(), ct);

        var problem = await NovaApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "urn:nova:problem:unsupported-version", ct);
        Assert.Contains($"'{version}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await nova.AssertNothingStoredAsync(tenant, ct);
    }

    [Fact]
    public async Task Webhook_body_of_exactly_1_MiB_is_accepted_when_it_is_at_the_limit()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);

        var result = await nova.AlertmanagerOkAsync(service, PaddedWebhook(WebhookLimit), ct);

        Assert.Equal(1, result.Opened);
        Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Webhook_body_over_1_MiB_is_413_and_stores_nothing_with_or_without_a_content_length(bool contentLength)
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var bytes = Encoding.UTF8.GetBytes(PaddedWebhook(WebhookLimit + 1));
        using var client = TopologyFixture.Client(nova.RegionUrl(NovaApi.Home), service.IntegrationKey);

        using var response = await client.PostAsync("v1/ingest/alertmanager", contentLength ? new ByteArrayContent(bytes) : new ChunkedContent(bytes), ct);

        var problem = await NovaApi.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "urn:nova:problem:payload-too-large", ct);
        Assert.Equal(WebhookLimit, problem.GetProperty("limit").GetInt32());
        await nova.AssertNothingStoredAsync(tenant, ct);
    }

    // ---- Alertmanager: keys ------------------------------------------------------------

    [Fact]
    public async Task Webhook_without_an_integration_key_is_401_and_stores_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, _) = await nova.NewServiceAsync(ct);

        using var response = await nova.SendAlertmanagerAsync(null, TopologyFixture.Fixture("alertmanager/firing-single.json"), ct);

        await NovaApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "urn:nova:problem:unauthorized", ct);
        await nova.AssertNothingStoredAsync(tenant, ct);
    }

    [Theory]
    [InlineData("bearer")]
    [InlineData("path")]
    public async Task Webhook_with_an_unknown_integration_key_is_401_and_stores_nothing(string where)
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var unknown = string.Concat(service.IntegrationKey.Reverse());
        var body = TopologyFixture.Fixture("alertmanager/firing-single.json");
        using var pathClient = TopologyFixture.Client(nova.RegionUrl(NovaApi.Home), null);

        using var response = where == "bearer"
            ? await nova.SendAlertmanagerAsync(unknown, body, ct)
            : await pathClient.PostAsync("v1/ingest/alertmanager/" + unknown, NovaApi.JsonContent(body), ct);

        await NovaApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "urn:nova:problem:unauthorized", ct);
        await nova.AssertNothingStoredAsync(tenant, ct);
    }

    [Fact]
    public async Task Webhook_whose_url_and_header_carry_different_keys_is_401_and_stores_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var (_, other) = await nova.NewServiceAsync(ct);
        // Found by a new user: the header's key was ignored when the URL carried one.
        using var client = TopologyFixture.Client(nova.RegionUrl(NovaApi.Home), other.IntegrationKey);

        using var response = await client.PostAsync("v1/ingest/alertmanager/" + service.IntegrationKey,
            NovaApi.JsonContent(TopologyFixture.Fixture("alertmanager/firing-single.json")), ct);

        var problem = await NovaApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "urn:nova:problem:unauthorized", ct);
        Assert.Contains("different integration keys", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await nova.AssertNothingStoredAsync(tenant, ct);
    }

    // ---- Alertmanager: fields ----------------------------------------------------------

    [Fact]
    public async Task Alert_with_too_many_labels_is_400_naming_its_labels_and_stores_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var labels = Enumerable.Range(1, 100).Select(i => ("l" + i, "v")).ToArray();

        using var response = await nova.SendAlertmanagerAsync(service.IntegrationKey, Am.Message("g", Am.Alert("Many", T1, labels: labels)), ct);

        var problem = await NovaApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "urn:nova:problem:validation", ct);
        Assert.Equal(["alerts[0].labels"], NovaApi.ErrorFields(problem));
        await nova.AssertNothingStoredAsync(tenant, ct);
    }

    [Fact]
    public async Task Alert_with_an_over_long_label_value_is_400_naming_the_label_and_stores_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);

        using var response = await nova.SendAlertmanagerAsync(service.IntegrationKey,
            Am.Message("g", Am.Alert("Long", T1, labels: ("instance", string.Concat(Enumerable.Repeat("🙂", 4097))))), ct);

        var problem = await NovaApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "urn:nova:problem:validation", ct);
        Assert.Equal(["alerts[0].labels.instance"], NovaApi.ErrorFields(problem));
        await nova.AssertNothingStoredAsync(tenant, ct);
    }

    [Theory]
    [InlineData("yesterday", "0001-01-01T00:00:00Z", new[] { "alerts[0].startsAt" })]
    [InlineData("2026-12-03T10:00:00", "0001-01-01T00:00:00Z", new[] { "alerts[0].startsAt" })]
    [InlineData("2026-12-03T10:00:00Z", "2026-13-03T10:00:00Z", new[] { "alerts[0].endsAt" })]
    [InlineData("1764756000", "soon", new[] { "alerts[0].endsAt", "alerts[0].startsAt" })]
    public async Task Alert_with_bad_timestamps_is_400_naming_each_and_stores_nothing(string startsAt, string endsAt, string[] fields)
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);

        using var response = await nova.SendAlertmanagerAsync(service.IntegrationKey, Am.Message("g", Am.Alert("Clock", startsAt, endsAt: endsAt)), ct);

        var problem = await NovaApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "urn:nova:problem:validation", ct);
        Assert.Equal(fields, NovaApi.ErrorFields(problem).Order(StringComparer.Ordinal));
        await nova.AssertNothingStoredAsync(tenant, ct);
    }

    [Fact]
    public async Task Message_with_one_bad_alert_among_good_ones_is_refused_whole_and_stores_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var bad = Am.Alert("Bad", T1);
        bad["status"] = "exploding";

        using var response = await nova.SendAlertmanagerAsync(service.IntegrationKey, Am.Message("g", Am.Alert("Good1", T1), bad, Am.Alert("Good2", T1)), ct);

        var problem = await NovaApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "urn:nova:problem:validation", ct);
        Assert.Equal(["alerts[1].status"], NovaApi.ErrorFields(problem));
        await nova.AssertNothingStoredAsync(tenant, ct);
    }

    [Fact]
    public async Task Message_is_400_listing_every_problem_at_once_when_it_has_many()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        const string body = """
            {"version": "4", "groupKey": 7, "truncatedAlerts": "none", "alerts": [
              {"status": "firing", "labels": {}, "startsAt": "2026-12-03T10:00:00Z"},
              {"status": "resolved", "labels": {"alertname": "X"}, "startsAt": "then", "fingerprint": "xyz"}
            ]}
            """;

        using var response = await nova.SendAlertmanagerAsync(service.IntegrationKey, body, ct);

        var problem = await NovaApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "urn:nova:problem:validation", ct);
        Assert.Equal(
            ["alerts[0].labels", "alerts[1].fingerprint", "alerts[1].startsAt", "groupKey", "truncatedAlerts"],
            NovaApi.ErrorFields(problem).Order(StringComparer.Ordinal));
        Assert.Contains("5 fields", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await nova.AssertNothingStoredAsync(tenant, ct);
    }

    // ---- PagerDuty ---------------------------------------------------------------------

    [Theory]
    [InlineData("pagerduty/invalid-action-and-severity.json", new[] { "'event_action' is invalid", "'payload.severity' is invalid" })]
    [InlineData("pagerduty/invalid-summary-too-long.json", new[] { "'payload.summary' is too long" })]
    public async Task Invalid_pagerduty_fixture_is_400_listing_every_problem_and_stores_nothing(string fixture, string[] problems)
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);

        using var response = await nova.SendPagerDutyAsync(TopologyFixture.Fixture(fixture, service.IntegrationKey), ct);

        var errors = await NovaApi.AssertPagerDutyInvalidAsync(response, ct);
        Assert.Equal(problems.Length, errors.Count);
        foreach (var expected in problems)
        {
            Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
        }

        await nova.AssertNothingStoredAsync(tenant, ct);
    }

    [Fact]
    public async Task PagerDuty_empty_body_is_400_in_pagerdutys_format()
    {
        var ct = TestContext.Current.CancellationToken;

        using var response = await nova.SendPagerDutyAsync("", ct);

        Assert.Contains("empty", Assert.Single(await NovaApi.AssertPagerDutyInvalidAsync(response, ct)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"routing_key": """)]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("""[{"event_action": "trigger"}]""")]
    public async Task PagerDuty_body_that_is_not_an_event_object_is_400_in_pagerdutys_format(string body)
    {
        var ct = TestContext.Current.CancellationToken;

        using var response = await nova.SendPagerDutyAsync(body, ct);

        Assert.Single(await NovaApi.AssertPagerDutyInvalidAsync(response, ct));
    }

    [Fact]
    public async Task PagerDuty_body_nested_too_deep_says_so_rather_than_calling_it_invalid_JSON()
    {
        var ct = TestContext.Current.CancellationToken;
        var body = """{"routing_key": "k", "payload": """ + new string('[', 5000) + new string(']', 5000) + "}";

        using var response = await nova.SendPagerDutyAsync(body, ct);

        var error = Assert.Single(await NovaApi.AssertPagerDutyInvalidAsync(response, ct));
        Assert.Contains("deeper than 64 levels", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PagerDuty_event_is_400_listing_every_problem_and_stores_nothing_when_every_field_is_wrong()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var body = new JsonObject
        {
            ["routing_key"] = service.IntegrationKey,
            ["event_action"] = "trigger",
            ["dedup_key"] = new string('k', 256),
            ["payload"] = new JsonObject { ["severity"] = "sev1", ["timestamp"] = "2015-07-17 08:42" },
        }.ToJsonString();

        using var response = await nova.SendPagerDutyAsync(body, ct);

        var errors = await NovaApi.AssertPagerDutyInvalidAsync(response, ct);
        Assert.Equal(5, errors.Count);
        foreach (var field in (string[])["'dedup_key'", "'payload.summary'", "'payload.source'", "'payload.severity'", "'payload.timestamp'"])
        {
            Assert.Contains(errors, e => e.StartsWith(field, StringComparison.Ordinal));
        }

        await nova.AssertNothingStoredAsync(tenant, ct);
    }

    [Fact]
    public async Task PagerDuty_event_of_exactly_512_KB_is_accepted_when_it_is_at_the_limit()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);

        await nova.PagerDutyOkAsync(PaddedEvent(service.IntegrationKey, PagerDutyLimit), ct);

        Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
    }

    [Fact]
    public async Task PagerDuty_event_is_413_and_stores_nothing_when_it_is_over_512_KB()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);

        using var response = await nova.SendPagerDutyAsync(PaddedEvent(service.IntegrationKey, PagerDutyLimit + 1), ct);

        var problem = await NovaApi.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "urn:nova:problem:payload-too-large", ct);
        Assert.Equal(PagerDutyLimit, problem.GetProperty("limit").GetInt32());
        await nova.AssertNothingStoredAsync(tenant, ct);
    }

    // ---- API keys ----------------------------------------------------------------------

    [Fact]
    public async Task Incident_api_is_401_when_the_key_is_missing_unknown_or_forged()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await nova.CreateTenantAsync(ct);
        var real = await nova.CreateApiKeyAsync(tenant, "responder", ct);
        using var anonymous = TopologyFixture.Client(nova.RegionUrl(NovaApi.Home), null);
        using var forged = nova.Region(NovaApi.Home, real.Secret[..^4] + "AAAA");
        using var garbage = nova.Region(NovaApi.Home, "not-a-nova-key");

        foreach (var client in (HttpClient[])[anonymous, forged, garbage])
        {
            using var response = await client.GetAsync("v1/incidents", ct);
            await NovaApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "urn:nova:problem:unauthorized", ct);
        }
    }

    [Fact]
    public async Task Revoked_api_key_is_401_for_reading_and_acting_and_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var id = Assert.Single((await nova.AlertmanagerOkAsync(service, Am.Message("g", Am.Alert("A", T1)), ct)).Incidents);
        var key = await nova.CreateApiKeyAsync(tenant, "responder", ct);
        using var region = nova.Region(NovaApi.Home, key.Secret);
        using (var before = await region.GetAsync("v1/incidents", ct))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var revoke = await nova.Control.DeleteAsync($"v1/tenants/{tenant.Slug}/api-keys/{key.Key.Id}", ct))
        {
            await TopologyFixture.EnsureAsync(revoke, ct);
        }

        await nova.WaitForSyncAsync(ct);

        using var list = await region.GetAsync("v1/incidents", ct);
        using var get = await region.GetAsync("v1/incidents/" + id, ct);
        using var act = await nova.ActAsync(id, "resolve", ct, apiKey: key.Secret);
        var problem = await NovaApi.AssertProblemAsync(list, HttpStatusCode.Unauthorized, "urn:nova:problem:unauthorized", ct);
        Assert.Contains("revoked", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await NovaApi.AssertProblemAsync(get, HttpStatusCode.Unauthorized, "urn:nova:problem:unauthorized", ct);
        await NovaApi.AssertProblemAsync(act, HttpStatusCode.Unauthorized, "urn:nova:problem:unauthorized", ct);
        Assert.Equal("triggered", (await nova.IncidentAsync(id, ct)).Incident.Status);
    }

    // ---- helpers -----------------------------------------------------------------------

    /// <summary>A valid one-alert webhook message padded with an unknown field to exactly <paramref name="bytes"/> bytes.</summary>
    private static string PaddedWebhook(int bytes)
    {
        var message = Am.MessageNode("g", Am.Alert("Big", T1));
        message["padding"] = "";
        var padding = bytes - Encoding.UTF8.GetByteCount(message.ToJsonString());
        message["padding"] = new string('x', padding);
        var text = message.ToJsonString();
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(text));
        return text;
    }

    /// <summary>A valid trigger padded in custom_details to exactly <paramref name="bytes"/> bytes.</summary>
    private static string PaddedEvent(string routingKey, int bytes)
    {
        var e = JsonNode.Parse(Pd.Trigger(routingKey, "big"))!.AsObject();
        e["payload"]!["custom_details"] = new JsonObject { ["pad"] = "" };
        var padding = bytes - Encoding.UTF8.GetByteCount(e.ToJsonString());
        e["payload"]!["custom_details"]!["pad"] = new string('x', padding);
        var text = e.ToJsonString();
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(text));
        return text;
    }

    /// <summary>A body sent without Content-Length (chunked), as streaming senders do.</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
