using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Nova.Contracts;

namespace Nova.EndToEnd.Tests;

/// <summary>
/// Every captured body in <c>shared/fixtures</c> replayed against a region running as its own
/// process, with the outcome a real sender expects.
/// </summary>
public sealed class FixtureReplayTests(OneRegionNova fixture) : IClassFixture<OneRegionNova>
{
    private const string Region = OneRegionNova.Region;
    private const string FiringSingle = "alertmanager/firing-single.json";
    private const string ResolvedSingle = "alertmanager/resolved-single.json";
    private const string MixedGroup = "alertmanager/mixed-group.json";
    private const string PdTrigger = "pagerduty/trigger.json";
    private const string PdAcknowledge = "pagerduty/acknowledge.json";
    private const string PdResolve = "pagerduty/resolve.json";
    private const string PdWithoutDedupKey = "pagerduty/trigger-without-dedup-key.json";
    private const string PdSummaryEmoji = "pagerduty/summary-1024-emoji.json";
    private const string PdInvalidActionAndSeverity = "pagerduty/invalid-action-and-severity.json";
    private const string PdInvalidSummaryTooLong = "pagerduty/invalid-summary-too-long.json";

    /// <summary>The test that replays each fixture: a new fixture file fails the check below until it has one.</summary>
    private static readonly Dictionary<string, string> ReplayedBy = new(StringComparer.Ordinal)
    {
        [FiringSingle] = nameof(Alertmanager_firing_single_opens_one_incident_and_resolved_single_resolves_it),
        [ResolvedSingle] = nameof(Alertmanager_firing_single_opens_one_incident_and_resolved_single_resolves_it),
        [MixedGroup] = nameof(Alertmanager_mixed_group_opens_one_incident_with_its_two_firing_alerts),
        [PdTrigger] = nameof(PagerDuty_trigger_twice_then_acknowledge_then_resolve_with_the_fixtures_own_key),
        [PdAcknowledge] = nameof(PagerDuty_trigger_twice_then_acknowledge_then_resolve_with_the_fixtures_own_key),
        [PdResolve] = nameof(PagerDuty_trigger_twice_then_acknowledge_then_resolve_with_the_fixtures_own_key),
        [PdWithoutDedupKey] = nameof(PagerDuty_trigger_without_dedup_key_gets_a_generated_one),
        [PdSummaryEmoji] = nameof(PagerDuty_summary_of_1024_emoji_is_accepted_whole),
        [PdInvalidActionAndSeverity] = nameof(PagerDuty_invalid_fixture_is_rejected_listing_every_problem_and_stores_nothing),
        [PdInvalidSummaryTooLong] = nameof(PagerDuty_invalid_fixture_is_rejected_listing_every_problem_and_stores_nothing),
    };

    private NovaProcesses Nova => fixture.Nova;

    [Fact]
    public void Every_fixture_file_has_a_replay_with_an_expected_outcome()
    {
        var files = SharedFixtures.All();
        Assert.NotEmpty(files);
        Assert.Equal(ReplayedBy.Keys.Order(StringComparer.Ordinal), files);
    }

    [Fact]
    public async Task Alertmanager_firing_single_opens_one_incident_and_resolved_single_resolves_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await NewServiceAsync(ct);

        var first = await IngestAlertmanagerAsync(SharedFixtures.Read(FiringSingle), service.IntegrationKey, ct);
        Assert.Equal(new IngestCounts(1, 1, 0, 0, 0), first.Counts());
        var incidentId = Assert.Single(first.Incidents);

        var page = await Nova.IncidentsAsync(Region, tenant, ct);
        var incident = Assert.Single(page.Items);
        Assert.Equal(incidentId, incident.Id);
        Assert.Equal("triggered", incident.Status);
        Assert.Equal("p99 latency above 500ms", incident.Title);
        Assert.Equal("critical", incident.Severity); // severity="page"
        Assert.Equal(1, incident.OpenAlerts);
        var alert = Assert.Single((await Nova.IncidentAsync(Region, incidentId, ct)).Alerts);
        Assert.Equal("c05fa418c4d33440", alert.Key);

        // Alertmanager repeats a firing alert every repeat_interval and on retries: idempotent.
        var repeat = await IngestAlertmanagerAsync(SharedFixtures.Read(FiringSingle), service.IntegrationKey, ct);
        Assert.Equal(new IngestCounts(1, 0, 0, 0, 1), repeat.Counts());
        Assert.Single((await Nova.IncidentsAsync(Region, tenant, ct)).Items);

        var resolved = await IngestAlertmanagerAsync(SharedFixtures.Read(ResolvedSingle), service.IntegrationKey, ct);
        Assert.Equal(new IngestCounts(1, 0, 0, 1, 0), resolved.Counts());
        Assert.Equal(incidentId, Assert.Single(resolved.Incidents));

        incident = Assert.Single((await Nova.IncidentsAsync(Region, tenant, ct)).Items);
        Assert.Equal("resolved", incident.Status);
        Assert.Equal(0, incident.OpenAlerts);
        Assert.Equal("resolved", Assert.Single((await Nova.IncidentAsync(Region, incidentId, ct)).Alerts).Status);
    }

    [Fact]
    public async Task Alertmanager_mixed_group_opens_one_incident_with_its_two_firing_alerts()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await NewServiceAsync(ct);

        // This one goes to the key-in-path URL, without an Authorization header.
        using var response = await Nova.PostJsonAsync(
            Region, "v1/ingest/alertmanager/" + service.IntegrationKey, SharedFixtures.Read(MixedGroup), bearer: null, ct);
        var result = await ReadIngestAsync(response, ct);
        // Three alerts: two firing (one incident for the group), one resolved that Nova never
        // saw firing, which is ignored rather than inventing an incident for it.
        Assert.Equal(new IngestCounts(3, 1, 1, 0, 1), result.Counts());
        var incidentId = Assert.Single(result.Incidents);

        var incident = Assert.Single((await Nova.IncidentsAsync(Region, tenant, ct)).Items);
        Assert.Equal(incidentId, incident.Id);
        Assert.Equal("triggered", incident.Status);
        Assert.Equal(2, incident.AlertCount);
        Assert.Equal(2, incident.OpenAlerts);
        Assert.Equal("p99 latency 1.2s on api-1", incident.Title);
        Assert.Equal("critical", incident.Severity);

        var detail = await Nova.IncidentAsync(Region, incidentId, ct);
        Assert.Equal(["59d7a84a7536c84e", "79b00eeaf78a4839"], detail.Alerts.Select(a => a.Key).Order(StringComparer.Ordinal));
        Assert.All(detail.Alerts, a => Assert.Equal("firing", a.Status));
        Assert.DoesNotContain(detail.Alerts, a => a.Key == "b099260010f30979");
        var utf8 = Assert.Single(detail.Alerts, a => a.Key == "79b00eeaf78a4839");
        Assert.Equal("bar", utf8.Labels["foo\U0001F642"]);
        var latency = Assert.Single(detail.Alerts, a => a.Key == "59d7a84a7536c84e");
        // 09:14:05.12345+01:00 is 08:14:05.12345Z.
        Assert.Equal(DateTimeOffset.Parse("2026-11-30T08:14:05.12345Z", CultureInfo.InvariantCulture), latency.StartsAt);
    }

    [Fact]
    public async Task PagerDuty_trigger_twice_then_acknowledge_then_resolve_with_the_fixtures_own_key()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await NewServiceAsync(ct);
        // Move-in without reconfiguring the sender: an integration with the fixtures' exact key.
        await Nova.AddIntegrationAsync(tenant, service.Service, SharedFixtures.PagerDutyKey, ct);

        var trigger = await EnqueueAsync(SharedFixtures.Read(PdTrigger), ct);
        Assert.Equal("db-2/replication-lag", trigger.DedupKey);
        var incident = Assert.Single((await Nova.IncidentsAsync(Region, tenant, ct)).Items);
        Assert.Equal("triggered", incident.Status);
        Assert.Equal("Replication lag above 30s on db-2", incident.Title);
        Assert.Equal("critical", incident.Severity);
        Assert.Equal("pagerduty", incident.Source);
        Assert.Equal(1, incident.AlertCount);

        // A trigger with the dedup_key of an open alert updates it: still one incident, one alert.
        var again = await EnqueueAsync(SharedFixtures.Read(PdTrigger), ct);
        Assert.Equal("db-2/replication-lag", again.DedupKey);
        var same = Assert.Single((await Nova.IncidentsAsync(Region, tenant, ct)).Items);
        Assert.Equal(incident.Id, same.Id);
        Assert.Equal("triggered", same.Status);
        Assert.Equal(1, same.AlertCount);

        var ack = await EnqueueAsync(SharedFixtures.Read(PdAcknowledge), ct);
        Assert.Equal("db-2/replication-lag", ack.DedupKey);
        var acknowledged = Assert.Single((await Nova.IncidentsAsync(Region, tenant, ct)).Items);
        Assert.Equal(incident.Id, acknowledged.Id);
        Assert.Equal("acknowledged", acknowledged.Status);

        var resolve = await EnqueueAsync(SharedFixtures.Read(PdResolve), ct);
        Assert.Equal("db-2/replication-lag", resolve.DedupKey);
        var resolved = Assert.Single((await Nova.IncidentsAsync(Region, tenant, ct)).Items);
        Assert.Equal(incident.Id, resolved.Id);
        Assert.Equal("resolved", resolved.Status);
        Assert.Equal(0, resolved.OpenAlerts);
    }

    [Fact]
    public async Task PagerDuty_trigger_without_dedup_key_gets_a_generated_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await NewServiceAsync(ct);

        var answer = await EnqueueAsync(SharedFixtures.Read(PdWithoutDedupKey, service.IntegrationKey), ct);
        Assert.False(string.IsNullOrWhiteSpace(answer.DedupKey), "a trigger without dedup_key gets one back");
        var incident = Assert.Single((await Nova.IncidentsAsync(Region, tenant, ct)).Items);
        Assert.Equal("triggered", incident.Status);
        Assert.Equal("Checkout error rate 7%", incident.Title);
        Assert.Equal("error", incident.Severity);

        // The generated key is the handle for later events from the sender.
        var ack = JsonSerializer.Serialize(new { routing_key = service.IntegrationKey, event_action = "acknowledge", dedup_key = answer.DedupKey });
        Assert.Equal(answer.DedupKey, (await EnqueueAsync(ack, ct)).DedupKey);
        Assert.Equal("acknowledged", Assert.Single((await Nova.IncidentsAsync(Region, tenant, ct)).Items).Status);
    }

    [Fact]
    public async Task PagerDuty_summary_of_1024_emoji_is_accepted_whole()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await NewServiceAsync(ct);
        var body = SharedFixtures.Read(PdSummaryEmoji, service.IntegrationKey);
        var summary = JsonDocument.Parse(body).RootElement.GetProperty("payload").GetProperty("summary").GetString()!;
        Assert.Equal(1024, summary.EnumerateRunes().Count());

        var answer = await EnqueueAsync(body, ct);
        Assert.False(string.IsNullOrEmpty(answer.DedupKey));
        var incident = Assert.Single((await Nova.IncidentsAsync(Region, tenant, ct)).Items);
        Assert.Equal(summary, incident.Title);
    }

    [Theory]
    [InlineData(PdInvalidActionAndSeverity, "event_action", "payload.severity")]
    [InlineData(PdInvalidSummaryTooLong, "payload.summary")]
    public async Task PagerDuty_invalid_fixture_is_rejected_listing_every_problem_and_stores_nothing(string fixtureFile, params string[] problems)
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await NewServiceAsync(ct);

        using var response = await Nova.PostJsonAsync(Region, "v2/enqueue", SharedFixtures.Read(fixtureFile, service.IntegrationKey), bearer: null, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        var answer = JsonSerializer.Deserialize<PagerDutyAnswer>(text, NovaProcesses.Json)!;
        Assert.Equal("invalid event", answer.Status);
        Assert.Equal("Event object is invalid", answer.Message);
        Assert.NotNull(answer.Errors);
        Assert.Equal(problems.Length, answer.Errors.Count);
        foreach (var field in problems)
        {
            Assert.Contains(answer.Errors, e => e.Contains("'" + field + "'", StringComparison.Ordinal));
        }

        Assert.Empty((await Nova.IncidentsAsync(Region, tenant, ct)).Items);
    }

    private async Task<(TenantView Tenant, CreatedService Service)> NewServiceAsync(CancellationToken ct)
    {
        var tenant = await Nova.CreateTenantAsync(ct, Region);
        return (tenant, await Nova.CreateServiceAsync(tenant, Region, ct));
    }

    private async Task<IngestResult> IngestAlertmanagerAsync(string body, string key, CancellationToken ct)
    {
        using var response = await Nova.PostJsonAsync(Region, "v1/ingest/alertmanager", body, key, ct);
        return await ReadIngestAsync(response, ct);
    }

    private static async Task<IngestResult> ReadIngestAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        var result = JsonSerializer.Deserialize<IngestResult>(text, NovaProcesses.Json)!;
        Assert.Equal("success", result.Status);
        return result;
    }

    private async Task<PagerDutyAnswer> EnqueueAsync(string body, CancellationToken ct)
    {
        using var response = await Nova.PostJsonAsync(Region, "v2/enqueue", body, bearer: null, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {text}");
        var answer = JsonSerializer.Deserialize<PagerDutyAnswer>(text, NovaProcesses.Json)!;
        Assert.Equal("success", answer.Status);
        Assert.Equal("Event processed", answer.Message);
        return answer;
    }
}

/// <summary>PagerDuty's answer: 202 with the dedup_key, or 400 with every error.</summary>
public sealed record PagerDutyAnswer(
    string Status,
    string Message,
    [property: JsonPropertyName("dedup_key")] string? DedupKey,
    IReadOnlyList<string>? Errors);

/// <summary>The counts of an Alertmanager ingest answer, comparable in one assertion.</summary>
public readonly record struct IngestCounts(int Alerts, int Opened, int Updated, int Resolved, int Ignored);

public static class IngestResultExtensions
{
    public static IngestCounts Counts(this IngestResult result) =>
        new(result.Alerts, result.Opened, result.Updated, result.Resolved, result.Ignored);
}
