using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Nova.Contracts;

namespace Nova.Integration.Tests;

/// <summary>
/// Alertmanager and Grafana webhooks over HTTP: episodes, repeats, groups, resolves (FORMATS.md).
/// </summary>
public sealed class AlertmanagerIngestTests(TopologyFixture nova) : IClassFixture<TopologyFixture>
{
    private const string T1 = "2026-12-03T10:00:00Z";
    private const string T2 = "2026-12-03T11:00:00Z";
    private const string T3 = "2026-12-03T12:00:00Z";

    [Fact]
    public async Task Repeat_of_a_known_episode_is_ignored_when_alertmanager_resends_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var alert = Am.Alert("HighLatency", T1, severity: "critical");
        var first = await nova.AlertmanagerOkAsync(service, Am.Message("g1", alert), ct);
        var before = await nova.IncidentAsync(Assert.Single(first.Incidents), ct);

        var repeat = await nova.AlertmanagerOkAsync(service, Am.Message("g1", alert), ct);
        var retry = await nova.AlertmanagerOkAsync(service, Am.Message("g1", alert), ct);

        Assert.Equal((1, 0), (first.Opened, first.Ignored));
        Assert.Equal((0, 0, 0, 1), (repeat.Opened, repeat.Updated, repeat.Resolved, repeat.Ignored));
        Assert.Equal((0, 1), (retry.Opened, retry.Ignored));
        var incident = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        Assert.Equal(before.Incident.Version, incident.Version);
        Assert.Equal(1, incident.AlertCount);
        await nova.AssertProjectionEqualsFoldAsync(tenant, incident.Id, ct);
    }

    [Fact]
    public async Task Repeat_is_the_same_episode_when_its_startsAt_is_the_same_instant_written_with_another_offset()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        await nova.AlertmanagerOkAsync(service, Am.Message("g1", Am.Alert("DiskFull", "2026-12-03T10:00:00.5Z")), ct);

        var repeat = await nova.AlertmanagerOkAsync(service, Am.Message("g1", Am.Alert("DiskFull", "2026-12-03T11:00:00.500000000+01:00")), ct);

        Assert.Equal(1, repeat.Ignored);
        Assert.Equal(1, Assert.Single(await nova.IncidentsOfAsync(tenant, ct)).AlertCount);
    }

    [Fact]
    public async Task Firing_alert_joins_the_open_incident_of_its_group_and_another_group_opens_its_own_when_groupKeys_differ()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);

        var a = await nova.AlertmanagerOkAsync(service, Am.Message("{}:{job=\"api\"}", Am.Alert("A", T1)), ct);
        var b = await nova.AlertmanagerOkAsync(service, Am.Message("{}:{job=\"api\"}", Am.Alert("A", T1), Am.Alert("B", T2)), ct);
        var c = await nova.AlertmanagerOkAsync(service, Am.Message("{}:{job=\"db\"}", Am.Alert("C", T1)), ct);

        Assert.Equal((1, 0), (a.Opened, a.Updated));
        Assert.Equal((0, 1, 1), (b.Opened, b.Updated, b.Ignored));
        Assert.Equal(a.Incidents, b.Incidents);
        Assert.Equal(1, c.Opened);
        Assert.NotEqual(a.Incidents, c.Incidents);
        var incidents = await nova.IncidentsOfAsync(tenant, ct);
        Assert.Equal(2, incidents.Count);
        Assert.Equal(2, incidents.Single(i => i.Id == a.Incidents[0]).AlertCount);
        Assert.Equal(1, incidents.Single(i => i.Id == c.Incidents[0]).AlertCount);
        await nova.AssertProjectionsEqualFoldsAsync(tenant, ct);
    }

    [Fact]
    public async Task A_whole_group_in_one_message_opens_one_incident_and_later_messages_of_the_group_update_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var group = "{}:{job=\"fleet\"}";
        JsonObject Host(int i, string status = "firing", string? endsAt = null) =>
            Am.Alert("NodeDown" + i, T1, status, endsAt, severity: i == 6 ? "critical" : "warning");

        var opened = await nova.AlertmanagerOkAsync(service, Am.Message(group, [.. Enumerable.Range(1, 5).Select(i => Host(i))]), ct);
        // Alertmanager's next notification: host 1 resolved, host 2 repeated, host 6 new.
        var next = await nova.AlertmanagerOkAsync(service, Am.Message(group, Host(1, "resolved", T2), Host(2), Host(6)), ct);
        var last = await nova.AlertmanagerOkAsync(service, Am.Message(group, [.. Enumerable.Range(2, 5).Select(i => Host(i, "resolved", T3))]), ct);

        Assert.Equal((1, 4, 0), (opened.Opened, opened.Updated, opened.Ignored));
        Assert.Equal((0, 1, 1, 1), (next.Opened, next.Updated, next.Resolved, next.Ignored));
        Assert.Equal(5, last.Resolved);
        var incident = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        Assert.Equal((6, 0, "resolved"), (incident.AlertCount, incident.OpenAlerts, incident.Status));
        Assert.Equal([incident.Id], opened.Incidents);
        await nova.AssertProjectionEqualsFoldAsync(tenant, incident.Id, ct);
    }

    [Fact]
    public async Task One_message_that_opens_an_incident_and_supersedes_its_episode_keeps_the_projection_equal_to_the_fold()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);

        var result = await nova.AlertmanagerOkAsync(service, Am.Message("g1", Am.Alert("Flapping", T1), Am.Alert("Flapping", T2)), ct);

        Assert.Equal((1, 1), (result.Opened, result.Updated));
        var incident = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        Assert.Equal((2, 1, "triggered"), (incident.AlertCount, incident.OpenAlerts, incident.Status));
        await nova.AssertProjectionEqualsFoldAsync(tenant, incident.Id, ct);
    }

    [Fact]
    public async Task Firing_alert_joins_an_acknowledged_incident_of_its_group_which_stays_acknowledged()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var first = await nova.AlertmanagerOkAsync(service, Am.Message("g", Am.Alert("A", T1)), ct);
        using (var ack = await nova.ActAsync(first.Incidents[0], "acknowledge", ct))
        {
            await TopologyFixture.EnsureAsync(ack, ct);
        }

        var second = await nova.AlertmanagerOkAsync(service, Am.Message("g", Am.Alert("B", T2)), ct);

        Assert.Equal(first.Incidents, second.Incidents);
        var incident = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        Assert.Equal("acknowledged", incident.Status);
        Assert.Equal(2, incident.OpenAlerts);
        await nova.AssertProjectionEqualsFoldAsync(tenant, incident.Id, ct);
    }

    [Fact]
    public async Task Resolved_alert_closes_only_its_episode_and_the_incident_resolves_when_its_last_alert_resolves()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var a = Am.Alert("A", T1);
        var b = Am.Alert("B", T1);
        await nova.AlertmanagerOkAsync(service, Am.Message("g", a, b), ct);

        var first = await nova.AlertmanagerOkAsync(service, Am.Message("g", Am.Resolved(a, T2), b), ct);
        var afterFirst = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        var second = await nova.AlertmanagerOkAsync(service, Am.Message("g", Am.Resolved(a, T2), Am.Resolved(b, T3)), ct);

        Assert.Equal((1, 1), (first.Resolved, first.Ignored));
        Assert.Equal(("triggered", 2, 1), (afterFirst.Status, afterFirst.AlertCount, afterFirst.OpenAlerts));
        Assert.Equal((1, 1), (second.Resolved, second.Ignored)); // a's resolve again is a repeat
        var incident = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        Assert.Equal(("resolved", 0), (incident.Status, incident.OpenAlerts));
        var repeat = await nova.AlertmanagerOkAsync(service, Am.Message("g", Am.Resolved(a, T2), Am.Resolved(b, T3)), ct);
        Assert.Equal((0, 2), (repeat.Resolved, repeat.Ignored));
        Assert.Equal([incident.Id], repeat.Incidents); // a repeated resolve names its incident, as a repeated firing alert does
        var detail = await nova.AssertProjectionEqualsFoldAsync(tenant, incident.Id, ct);
        Assert.Equal(DateTimeOffset.Parse(T3, System.Globalization.CultureInfo.InvariantCulture), detail.Alerts.Single(x => x.Key == (string)b["fingerprint"]!).EndsAt);
        Assert.Equal("Resolved: all alerts resolved", detail.Timeline[^1].Text);
    }

    [Fact]
    public async Task Resolve_of_an_unknown_alert_is_ignored_and_stores_nothing_when_it_never_fired()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);

        var result = await nova.AlertmanagerOkAsync(service, Am.Message("g", Am.Resolved(Am.Alert("Ghost", T1), T2)), ct);

        Assert.Equal((0, 0, 0, 1), (result.Opened, result.Updated, result.Resolved, result.Ignored));
        Assert.Empty(result.Incidents);
        await nova.AssertNothingStoredAsync(tenant, ct);
    }

    [Fact]
    public async Task New_startsAt_supersedes_the_open_episode_in_the_same_incident_when_the_old_resolve_was_lost()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var old = Am.Alert("Flapping", T1);
        var opened = await nova.AlertmanagerOkAsync(service, Am.Message("g", old), ct);

        var renewed = await nova.AlertmanagerOkAsync(service, Am.Message("g", Am.Alert("Flapping", T2)), ct);

        Assert.Equal(1, renewed.Updated);
        Assert.Equal(opened.Incidents, renewed.Incidents);
        var incident = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        Assert.Equal(("triggered", 2, 1), (incident.Status, incident.AlertCount, incident.OpenAlerts));
        var detail = await nova.AssertProjectionEqualsFoldAsync(tenant, incident.Id, ct);
        var superseded = Assert.Single(detail.Timeline, t => t.Kind == "alert.resolved");
        Assert.Contains("superseded", superseded.Text, StringComparison.Ordinal);
        Assert.Equal(
            [(DateTimeOffset.Parse(T1, System.Globalization.CultureInfo.InvariantCulture), "resolved"), (DateTimeOffset.Parse(T2, System.Globalization.CultureInfo.InvariantCulture), "firing")],
            detail.Alerts.Select(a => (a.StartsAt, a.Status)).Order());

        // A late resolve of the superseded episode names only that episode: the new one keeps firing.
        var late = await nova.AlertmanagerOkAsync(service, Am.Message("g", Am.Resolved(old, T2)), ct);
        Assert.Equal(1, late.Ignored);
        Assert.Equal(1, Assert.Single(await nova.IncidentsOfAsync(tenant, ct)).OpenAlerts);
        await nova.AssertProjectionEqualsFoldAsync(tenant, incident.Id, ct);
    }

    [Fact]
    public async Task Older_episode_delivered_late_is_ignored_when_a_newer_episode_of_the_fingerprint_is_open()
    {
        // An HA peer or a retry lagging behind can deliver an older episode after a newer one;
        // superseding would end the episode that is really firing, and the old episode's
        // resolve would then end the incident.
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var opened = await nova.AlertmanagerOkAsync(service, Am.Message("g", Am.Alert("Flapping", T2)), ct);
        var before = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        var older = Am.Alert("Flapping", T1);

        var late = await nova.AlertmanagerOkAsync(service, Am.Message("g", older), ct);
        var lateResolve = await nova.AlertmanagerOkAsync(service, Am.Message("g", Am.Resolved(older, "2026-12-03T10:30:00Z")), ct);

        Assert.Equal((0, 0, 1), (late.Opened, late.Updated, late.Ignored));
        Assert.Equal((0, 1), (lateResolve.Resolved, lateResolve.Ignored));
        var incident = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        Assert.Equal(opened.Incidents[0], incident.Id);
        Assert.Equal(("triggered", 1, 1, before.Version), (incident.Status, incident.AlertCount, incident.OpenAlerts, incident.Version));
        await nova.AssertProjectionEqualsFoldAsync(tenant, incident.Id, ct);
    }

    [Fact]
    public async Task Concurrent_identical_deliveries_open_one_incident_when_an_alertmanager_ha_pair_sends_both()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var body = Am.Message("g", Am.Alert("A", T1), Am.Alert("B", T1));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => nova.AlertmanagerOkAsync(service, body, ct)));

        Assert.Equal(1, results.Sum(r => r.Opened));
        Assert.Equal(1, results.Sum(r => r.Updated));
        Assert.Equal(14, results.Sum(r => r.Ignored));
        var incident = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        Assert.Equal(2, incident.AlertCount);
        await nova.AssertProjectionEqualsFoldAsync(tenant, incident.Id, ct);
    }

    [Fact]
    public async Task Repeat_of_the_same_episode_does_not_reopen_the_incident_when_a_person_resolved_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var alert = Am.Alert("Noisy", T1);
        var opened = await nova.AlertmanagerOkAsync(service, Am.Message("g", alert), ct);
        using (var resolve = await nova.ActAsync(opened.Incidents[0], "resolve", ct))
        {
            await TopologyFixture.EnsureAsync(resolve, ct);
        }

        var resolvedVersion = (await nova.IncidentAsync(opened.Incidents[0], ct)).Incident.Version;

        var repeat = await nova.AlertmanagerOkAsync(service, Am.Message("g", alert), ct);
        var sourceResolve = await nova.AlertmanagerOkAsync(service, Am.Message("g", Am.Resolved(alert, T2)), ct);

        Assert.Equal((0, 1), (repeat.Opened, repeat.Ignored));
        Assert.Equal((0, 1), (sourceResolve.Resolved, sourceResolve.Ignored));
        var incident = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        Assert.Equal(("resolved", 0, resolvedVersion), (incident.Status, incident.OpenAlerts, incident.Version));
        await nova.AssertProjectionEqualsFoldAsync(tenant, incident.Id, ct);
    }

    [Fact]
    public async Task New_episode_opens_a_new_incident_when_a_person_resolved_the_old_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var opened = await nova.AlertmanagerOkAsync(service, Am.Message("g", Am.Alert("Noisy", T1)), ct);
        using (var resolve = await nova.ActAsync(opened.Incidents[0], "resolve", ct))
        {
            await TopologyFixture.EnsureAsync(resolve, ct);
        }

        var again = await nova.AlertmanagerOkAsync(service, Am.Message("g", Am.Alert("Noisy", T2)), ct);

        Assert.Equal(1, again.Opened);
        Assert.NotEqual(opened.Incidents, again.Incidents);
        var incidents = await nova.IncidentsOfAsync(tenant, ct);
        Assert.Equal(["resolved", "triggered"], incidents.OrderBy(i => i.CreatedAt).ThenBy(i => i.Id, StringComparer.Ordinal).Select(i => i.Status));
        await nova.AssertProjectionsEqualFoldsAsync(tenant, ct);
    }

    [Fact]
    public async Task New_episode_and_new_alerts_of_the_group_open_a_new_incident_when_the_old_one_resolved_from_the_source()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var alert = Am.Alert("Cpu", T1);
        var opened = await nova.AlertmanagerOkAsync(service, Am.Message("g", alert), ct);
        await nova.AlertmanagerOkAsync(service, Am.Message("g", Am.Resolved(alert, T2)), ct);

        var again = await nova.AlertmanagerOkAsync(service, Am.Message("g", Am.Alert("Cpu", T3), Am.Alert("Mem", T3)), ct);

        Assert.Equal((1, 1), (again.Opened, again.Updated));
        var fresh = Assert.Single(again.Incidents);
        Assert.NotEqual(opened.Incidents[0], fresh);
        Assert.Equal(2, (await nova.IncidentsOfAsync(tenant, ct)).Count);
        Assert.Equal(2, (await nova.IncidentAsync(fresh, ct)).Incident.OpenAlerts);
        await nova.AssertProjectionsEqualFoldsAsync(tenant, ct);
    }

    [Fact]
    public async Task Truncated_alerts_are_not_resolved_when_a_message_leaves_them_out()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var a = Am.Alert("A", T1);
        await nova.AlertmanagerOkAsync(service, Am.Message("g", a, Am.Alert("B", T1)), ct);
        var truncated = Am.MessageNode("g", a);
        truncated["truncatedAlerts"] = 1;

        await nova.AlertmanagerOkAsync(service, truncated.ToJsonString(), ct);

        var incident = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        Assert.Equal(("triggered", 2), (incident.Status, incident.OpenAlerts));
    }

    [Fact]
    public async Task Severity_is_the_highest_of_the_open_alerts_when_the_critical_one_resolves()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var warning = Am.Alert("Slow", T1, severity: "warning");
        var critical = Am.Alert("Down", T1, severity: "critical");

        await nova.AlertmanagerOkAsync(service, Am.Message("g", warning), ct);
        var onlyWarning = Assert.Single(await nova.IncidentsOfAsync(tenant, ct)).Severity;
        await nova.AlertmanagerOkAsync(service, Am.Message("g", warning, critical), ct);
        var both = Assert.Single(await nova.IncidentsOfAsync(tenant, ct)).Severity;
        await nova.AlertmanagerOkAsync(service, Am.Message("g", warning, Am.Resolved(critical, T2)), ct);
        var afterCriticalResolved = Assert.Single(await nova.IncidentsOfAsync(tenant, ct)).Severity;

        Assert.Equal(["warning", "critical", "warning"], [onlyWarning, both, afterCriticalResolved]);
        await nova.AssertProjectionsEqualFoldsAsync(tenant, ct);
    }

    [Fact]
    public async Task Grafana_PUT_with_version_1_opens_and_resolves_an_incident_keyed_by_the_fingerprint_grafana_sent()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);

        var fired = await nova.AlertmanagerOkAsync(service, GrafanaBody("firing", Am.ZeroTime), ct, HttpMethod.Put);
        var detail = await nova.IncidentAsync(Assert.Single(fired.Incidents), ct);
        var resolved = await nova.AlertmanagerOkAsync(service, GrafanaBody("resolved", "2026-12-03T16:30:00+01:00"), ct, HttpMethod.Put);

        Assert.Equal(1, fired.Opened);
        Assert.Equal("CPU above 95% on web-1", detail.Incident.Title);
        Assert.Equal("0123456789abcdef", Assert.Single(detail.Alerts).Key);
        Assert.Equal(1, resolved.Resolved);
        var incident = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        Assert.Equal("resolved", incident.Status);
        await nova.AssertProjectionEqualsFoldAsync(tenant, incident.Id, ct);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    public async Task Integration_key_in_the_path_is_accepted_when_the_sender_cannot_set_a_header(string method)
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        using var client = TopologyFixture.Client(nova.RegionUrl(NovaApi.Home), null);
        using var request = new HttpRequestMessage(new HttpMethod(method), "v1/ingest/alertmanager/" + service.IntegrationKey)
        {
            Content = NovaApi.JsonContent(TopologyFixture.Fixture("alertmanager/firing-single.json")),
        };

        using var response = await client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<IngestResult>(TopologyFixture.Json, ct))!.Opened);
        Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
    }

    [Fact]
    public async Task Integration_key_as_the_basic_auth_password_is_accepted_when_http_config_sends_basic_auth()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        using var client = TopologyFixture.Client(nova.RegionUrl(NovaApi.Home), null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("alertmanager:" + service.IntegrationKey)));

        using var response = await client.PostAsync("v1/ingest/alertmanager", NovaApi.JsonContent(TopologyFixture.Fixture("alertmanager/firing-single.json")), ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Resolve_and_new_firing_alert_of_one_group_keep_one_open_incident_whatever_their_order_in_the_message(bool resolvedFirst)
    {
        // Regression: alerts were applied in body order, so a resolve listed first ended the
        // incident and the firing alert after it opened a second one.
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var a = Am.Alert("A", T1);
        var opened = await nova.AlertmanagerOkAsync(service, Am.Message("g", a), ct);
        var resolved = Am.Resolved(a, T2);
        var firing = Am.Alert("B", T2);

        var mixed = await nova.AlertmanagerOkAsync(service, resolvedFirst ? Am.Message("g", resolved, firing) : Am.Message("g", firing, resolved), ct);

        Assert.Equal((0, 1, 1), (mixed.Opened, mixed.Updated, mixed.Resolved));
        Assert.Equal(opened.Incidents, mixed.Incidents);
        var incident = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        Assert.Equal(("triggered", 2, 1), (incident.Status, incident.AlertCount, incident.OpenAlerts));
        await nova.AssertProjectionEqualsFoldAsync(tenant, incident.Id, ct);
    }

    private static string GrafanaBody(string status, string endsAt) => new JsonObject
    {
        ["receiver"] = "nova",
        ["status"] = status,
        ["orgId"] = 1,
        ["alerts"] = new JsonArray(new JsonObject
        {
            ["status"] = status,
            ["labels"] = new JsonObject { ["alertname"] = "CPU high", ["grafana_folder"] = "Infra", ["team"] = "core" },
            ["annotations"] = new JsonObject { ["summary"] = "CPU above 95% on web-1" },
            ["startsAt"] = "2026-12-03T16:16:00+01:00",
            ["endsAt"] = endsAt,
            ["generatorURL"] = "https://grafana.example.test/alerting/grafana/abc/view?orgId=1",
            ["fingerprint"] = "0123456789abcdef",
            ["silenceURL"] = "https://grafana.example.test/alerting/silence/new",
            ["dashboardURL"] = "",
            ["panelURL"] = "",
            ["values"] = null,
            ["valueString"] = "[ var='A' labels={} value=97.5 ]",
            ["imageURL"] = "",
        }),
        ["groupLabels"] = new JsonObject { ["alertname"] = "CPU high" },
        ["commonLabels"] = new JsonObject { ["alertname"] = "CPU high" },
        ["commonAnnotations"] = new JsonObject(),
        ["externalURL"] = "https://grafana.example.test/",
        ["version"] = "1",
        ["groupKey"] = "{}/{alertname=\"CPU high\"}:{alertname=\"CPU high\"}",
        ["truncatedAlerts"] = 0,
        ["title"] = $"[{status.ToUpperInvariant()}:1] CPU high (Infra core)",
        ["state"] = status == "firing" ? "alerting" : "ok",
        ["message"] = "**Firing**",
    }.ToJsonString();
}
