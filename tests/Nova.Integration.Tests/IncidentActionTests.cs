using System.Net;
using System.Net.Http.Json;
using Nova.Contracts;

namespace Nova.Integration.Tests;

/// <summary>
/// People acting on incidents: acknowledge, resolve, notes with If-Match; roles; listing and
/// paging; the projection equal to the fold of the events.
/// </summary>
public sealed class IncidentActionTests(TopologyFixture nova) : IClassFixture<TopologyFixture>
{
    private const string T1 = "2026-12-03T10:00:00Z";

    [Fact]
    public async Task Acknowledge_then_resolve_with_the_current_version_move_the_incident_and_return_the_new_version()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, incidentId) = await IncidentAsync(ct);
        var responder = await nova.CreateApiKeyAsync(tenant, "responder", ct);
        var v1 = (await nova.IncidentAsync(incidentId, ct)).Incident.Version;

        using var ack = await nova.ActAsync(incidentId, "acknowledge", ct, ifMatch: v1, apiKey: responder.Secret);
        var acked = await NovaApi.JsonOfAsync(ack, ct);
        using var resolve = await nova.ActAsync(incidentId, "resolve", ct, ifMatch: v1 + 1, apiKey: responder.Secret);
        var resolved = await NovaApi.JsonOfAsync(resolve, ct);

        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Equal(("acknowledged", v1 + 1, true), (acked.GetProperty("status").GetString(), acked.GetProperty("version").GetInt32(), acked.GetProperty("changed").GetBoolean()));
        Assert.Equal($"\"{v1 + 1}\"", ack.Headers.ETag?.ToString());
        Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        Assert.Equal(("resolved", v1 + 2), (resolved.GetProperty("status").GetString(), resolved.GetProperty("version").GetInt32()));
        var detail = await nova.AssertProjectionEqualsFoldAsync(tenant, incidentId, ct);
        Assert.NotNull(detail.AcknowledgedAt);
        Assert.NotNull(detail.ResolvedAt);
        Assert.All(detail.Alerts, a => Assert.Equal("resolved", a.Status));
        Assert.Equal(responder.Key.Id, detail.Timeline[^1].Actor);
    }

    [Fact]
    public async Task Action_with_a_stale_If_Match_is_412_and_leaves_the_incident_unchanged()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, incidentId) = await IncidentAsync(ct);
        var before = await nova.IncidentAsync(incidentId, ct);
        var eventsBefore = await nova.EventRowsOfAsync(tenant, ct);

        foreach (var action in (string[])["acknowledge", "resolve", "notes"])
        {
            using var response = await nova.ActAsync(incidentId, action, ct, ifMatch: before.Incident.Version - 1, note: action == "notes" ? "stale" : null);

            var problem = await NovaApi.AssertProblemAsync(response, HttpStatusCode.PreconditionFailed, "urn:nova:problem:version-mismatch", ct);
            Assert.Equal(before.Incident.Version, problem.GetProperty("currentVersion").GetInt32());
            Assert.Equal(before.Incident.Version - 1, problem.GetProperty("expectedVersion").GetInt32());
        }

        var after = await nova.IncidentAsync(incidentId, ct);
        Assert.Equal((before.Incident.Status, before.Incident.Version, before.Timeline.Count), (after.Incident.Status, after.Incident.Version, after.Timeline.Count));
        Assert.Equal(eventsBefore, await nova.EventRowsOfAsync(tenant, ct));
        var refused = (await RegionAuditAsync(tenant, ct)).Where(r => r.Target == "incident:" + incidentId && r.Outcome.StartsWith("version-mismatch", StringComparison.Ordinal));
        Assert.Equal(["incident.acknowledge", "incident.resolve", "incident.note"], refused.Select(r => r.Action));
    }

    private async Task<List<AuditRecordView>> RegionAuditAsync(TenantView tenant, CancellationToken ct)
    {
        using var region = nova.Region(NovaApi.Home);
        return (await region.GetFromJsonAsync<List<AuditRecordView>>($"v1/audit?tenant={tenant.Slug}&limit=1000", TopologyFixture.Json, ct))!;
    }

    [Fact]
    public async Task Stale_acknowledge_cannot_undo_a_newer_resolve_when_two_responders_read_the_same_version()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, incidentId) = await IncidentAsync(ct);
        var seen = (await nova.IncidentAsync(incidentId, ct)).Incident.Version;

        using var resolve = await nova.ActAsync(incidentId, "resolve", ct, ifMatch: seen);
        using var staleAck = await nova.ActAsync(incidentId, "acknowledge", ct, ifMatch: seen);

        Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        await NovaApi.AssertProblemAsync(staleAck, HttpStatusCode.PreconditionFailed, "urn:nova:problem:version-mismatch", ct);
        var detail = await nova.AssertProjectionEqualsFoldAsync(tenant, incidentId, ct);
        Assert.Equal(("resolved", seen + 1), (detail.Incident.Status, detail.Incident.Version));
        Assert.Null(detail.AcknowledgedAt);
    }

    [Fact]
    public async Task If_Match_that_is_not_a_version_is_400_and_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, incidentId) = await IncidentAsync(ct);
        var before = (await nova.IncidentAsync(incidentId, ct)).Incident.Version;
        using var region = nova.Region(NovaApi.Home);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/incidents/{incidentId}/acknowledge");
        request.Headers.TryAddWithoutValidation("If-Match", "\"yesterday\"");

        using var response = await region.SendAsync(request, ct);

        await NovaApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "urn:nova:problem:validation", ct);
        Assert.Equal(before, (await nova.IncidentAsync(incidentId, ct)).Incident.Version);
    }

    [Fact]
    public async Task Acknowledge_of_a_resolved_incident_is_409_and_a_second_resolve_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, incidentId) = await IncidentAsync(ct);
        using (var resolve = await nova.ActAsync(incidentId, "resolve", ct))
        {
            await TopologyFixture.EnsureAsync(resolve, ct);
        }

        var version = (await nova.IncidentAsync(incidentId, ct)).Incident.Version;

        using var ack = await nova.ActAsync(incidentId, "acknowledge", ct);
        using var again = await nova.ActAsync(incidentId, "resolve", ct);

        // Regression: the problem carried the incident's status as a second "status" member,
        // which overrode the HTTP status code (409) for every RFC 9457 client.
        var conflict = await NovaApi.AssertProblemAsync(ack, HttpStatusCode.Conflict, "urn:nova:problem:conflict", ct);
        Assert.Equal(("resolved", version), (conflict.GetProperty("incidentStatus").GetString(), conflict.GetProperty("currentVersion").GetInt32()));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.False((await NovaApi.JsonOfAsync(again, ct)).GetProperty("changed").GetBoolean());
        Assert.Equal(version, (await nova.AssertProjectionEqualsFoldAsync(tenant, incidentId, ct)).Incident.Version);
    }

    [Fact]
    public async Task Note_is_added_to_the_timeline_and_counts_as_a_version_when_a_responder_writes_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, incidentId) = await IncidentAsync(ct);
        var responder = await nova.CreateApiKeyAsync(tenant, "responder", ct);
        var version = (await nova.IncidentAsync(incidentId, ct)).Incident.Version;

        using var response = await nova.ActAsync(incidentId, "notes", ct, ifMatch: version, apiKey: responder.Secret, note: "Failing over to db-3 🙂");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var detail = await nova.AssertProjectionEqualsFoldAsync(tenant, incidentId, ct);
        Assert.Equal(version + 1, detail.Incident.Version);
        Assert.Equal("triggered", detail.Incident.Status);
        var entry = detail.Timeline[^1];
        Assert.Equal(("note.added", "Note: Failing over to db-3 🙂", responder.Key.Id), (entry.Kind, entry.Text, entry.Actor));
    }

    [Theory]
    [InlineData("""{"text": ""}""")]
    [InlineData("""{"text": "   "}""")]
    [InlineData("""{}""")]
    [InlineData("""{"text": 5}""")]
    [InlineData("""not json""")]
    public async Task Note_without_text_is_400_and_adds_nothing(string body)
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, incidentId) = await IncidentAsync(ct);
        var events = await nova.EventRowsOfAsync(tenant, ct);
        using var region = nova.Region(NovaApi.Home);

        using var response = await region.PostAsync($"v1/incidents/{incidentId}/notes", NovaApi.JsonContent(body), ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(events, await nova.EventRowsOfAsync(tenant, ct));
    }

    [Theory]
    [InlineData(10_000, HttpStatusCode.OK)]
    [InlineData(10_001, HttpStatusCode.BadRequest)]
    public async Task Note_of_emoji_written_as_ascii_escapes_is_limited_by_its_characters_not_its_bytes(int emoji, HttpStatusCode expected)
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, incidentId) = await IncidentAsync(ct);
        var events = await nova.EventRowsOfAsync(tenant, ct);
        using var region = nova.Region(NovaApi.Home);
        // What an ASCII-only JSON writer (Python's json.dumps) sends: 12 bytes per emoji.
        var body = "{\"text\": \"" + string.Concat(Enumerable.Repeat("\\ud83d\\ude42", emoji)) + "\"}";

        using var response = await region.PostAsync($"v1/incidents/{incidentId}/notes", NovaApi.JsonContent(body), ct);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(events + (expected == HttpStatusCode.OK ? 1 : 0), await nova.EventRowsOfAsync(tenant, ct));
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("auditor")]
    public async Task Reader_role_can_read_incidents_but_gets_403_and_changes_nothing_when_it_acts(string role)
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, incidentId) = await IncidentAsync(ct);
        var key = await nova.CreateApiKeyAsync(tenant, role, ct);
        var before = await nova.IncidentAsync(incidentId, ct, key.Secret);
        using var reader = nova.Region(NovaApi.Home, key.Secret);
        var page = await reader.GetFromJsonAsync<IncidentPage>("v1/incidents", TopologyFixture.Json, ct);

        foreach (var action in (string[])["acknowledge", "resolve", "notes"])
        {
            using var response = await nova.ActAsync(incidentId, action, ct, ifMatch: before.Incident.Version, apiKey: key.Secret, note: action == "notes" ? "hi" : null);
            await NovaApi.AssertProblemAsync(response, HttpStatusCode.Forbidden, "urn:nova:problem:forbidden", ct);
        }

        Assert.Equal(incidentId, Assert.Single(page!.Items).Id);
        var after = await nova.IncidentAsync(incidentId, ct);
        Assert.Equal((before.Incident.Status, before.Incident.Version), (after.Incident.Status, after.Incident.Version));
        var denied = (await RegionAuditAsync(tenant, ct)).Where(r => r.Actor == key.Key.Id);
        Assert.Equal([("incident.acknowledge", "denied"), ("incident.resolve", "denied"), ("incident.note", "denied")], denied.Select(r => (r.Action, r.Outcome)));
    }

    [Fact]
    public async Task Tenant_key_gets_404_when_it_reads_or_acts_on_another_tenants_incident()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, incidentId) = await IncidentAsync(ct);
        var stranger = await nova.CreateTenantAsync(ct);
        var key = await nova.CreateApiKeyAsync(stranger, "responder", ct);
        using var region = nova.Region(NovaApi.Home, key.Secret);

        using var read = await region.GetAsync("v1/incidents/" + incidentId, ct);
        using var act = await nova.ActAsync(incidentId, "resolve", ct, apiKey: key.Secret);

        await NovaApi.AssertProblemAsync(read, HttpStatusCode.NotFound, "urn:nova:problem:not-found", ct);
        await NovaApi.AssertProblemAsync(act, HttpStatusCode.NotFound, "urn:nova:problem:not-found", ct);
        Assert.Equal("triggered", (await nova.IncidentAsync(incidentId, ct)).Incident.Status);
    }

    [Fact]
    public async Task Paging_with_the_cursor_returns_every_incident_exactly_once_when_page_boundaries_split_incidents_of_one_instant()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var created = new HashSet<string>(StringComparer.Ordinal);
        // A message without a groupKey opens one incident per alert, all in one write at one
        // instant: their created_at ties, so the cursor must break ties by id.
        for (var batch = 0; batch < 2; batch++)
        {
            var message = Am.MessageNode("unused", [.. Enumerable.Range(0, 7).Select(i => Am.Alert($"A{batch}-{i}", T1))]);
            message.Remove("groupKey");
            var result = await nova.AlertmanagerOkAsync(service, message.ToJsonString(), ct);
            Assert.Equal(7, result.Opened);
            created.UnionWith(result.Incidents);
        }

        var seen = new List<string>();
        using var region = nova.Region(NovaApi.Home);
        string? cursor = null;
        var pages = 0;
        do
        {
            // Sent unescaped on purpose: a cursor must survive clients that do not escape it
            // (an earlier cursor held '+' from "+00:00", which a query string turns into a space).
            var url = $"v1/incidents?tenant={tenant.Slug}&limit=3" + (cursor is null ? "" : "&cursor=" + cursor);
            var page = (await region.GetFromJsonAsync<IncidentPage>(url, TopologyFixture.Json, ct))!;
            Assert.InRange(page.Items.Count, 1, 3);
            Assert.True(page.NextCursor is null || System.Text.RegularExpressions.Regex.IsMatch(page.NextCursor, "^[A-Za-z0-9_-]+$"), page.NextCursor);
            seen.AddRange(page.Items.Select(i => i.Id));
            cursor = page.NextCursor;
            pages++;
            Assert.True(pages <= 10, "paging does not end");
        }
        while (cursor is not null);

        Assert.Equal(14, created.Count);
        Assert.Equal(seen.Count, seen.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(created.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        Assert.Equal(5, pages);
        // Newest first.
        var all = await nova.IncidentsOfAsync(tenant, ct);
        Assert.Equal(all.Select(i => i.Id), seen);
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.CreatedAt >= p.Second.CreatedAt));
    }

    [Fact]
    public async Task List_filters_by_status_service_and_since_when_they_are_given()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, first) = await nova.NewServiceAsync(ct);
        var second = await nova.CreateServiceAsync(tenant, NovaApi.Home, ct);
        var a = Assert.Single((await nova.AlertmanagerOkAsync(first, Am.Message("a", Am.Alert("A", T1)), ct)).Incidents);
        var b = Assert.Single((await nova.AlertmanagerOkAsync(first, Am.Message("b", Am.Alert("B", T1)), ct)).Incidents);
        var c = Assert.Single((await nova.AlertmanagerOkAsync(second, Am.Message("c", Am.Alert("C", T1)), ct)).Incidents);
        using (var resolve = await nova.ActAsync(b, "resolve", ct))
        {
            await TopologyFixture.EnsureAsync(resolve, ct);
        }

        var triggered = await nova.IncidentsOfAsync(tenant, ct, "&status=triggered");
        var resolved = await nova.IncidentsOfAsync(tenant, ct, "&status=resolved");
        var ofSecond = await nova.IncidentsOfAsync(tenant, ct, "&service=" + second.Service.Slug);
        var future = await nova.IncidentsOfAsync(tenant, ct, "&since=" + Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)));
        var past = await nova.IncidentsOfAsync(tenant, ct, "&since=2000-01-01T00:00:00%2B01:00");

        Assert.Equal([a, c], triggered.Select(i => i.Id).Order(StringComparer.Ordinal));
        Assert.Equal(b, Assert.Single(resolved).Id);
        Assert.Equal(c, Assert.Single(ofSecond).Id);
        Assert.Empty(future);
        Assert.Equal(3, past.Count);
    }

    [Theory]
    [InlineData("status=open", "status")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("since=yesterday", "since")]
    [InlineData("cursor=nonsense", "cursor")]
    [InlineData("service=no-such-service", "service")]
    public async Task List_with_an_invalid_filter_is_400_naming_the_filter(string query, string field)
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await nova.CreateTenantAsync(ct);
        await nova.WaitForSyncAsync(ct);
        using var region = nova.Region(NovaApi.Home);

        using var response = await region.GetAsync($"v1/incidents?tenant={tenant.Slug}&{query}", ct);

        var problem = await NovaApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "urn:nova:problem:validation", ct);
        Assert.Equal([field], NovaApi.ErrorFields(problem));
    }

    [Fact]
    public async Task Operator_key_must_name_the_tenant_when_it_lists_incidents()
    {
        var ct = TestContext.Current.CancellationToken;
        using var region = nova.Region(NovaApi.Home);

        using var response = await region.GetAsync("v1/incidents", ct);

        var problem = await NovaApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "urn:nova:problem:validation", ct);
        Assert.Equal(["tenant"], NovaApi.ErrorFields(problem));
    }

    [Fact]
    public async Task Projection_equals_the_fold_of_the_events_after_ingest_supersede_actions_and_notes()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var a = Am.Alert("A", T1, severity: "warning");
        var b = Am.Alert("B", T1, severity: "critical");
        var id = Assert.Single((await nova.AlertmanagerOkAsync(service, Am.Message("g", a, b), ct)).Incidents);
        await nova.AssertProjectionEqualsFoldAsync(tenant, id, ct);

        await nova.AlertmanagerOkAsync(service, Am.Message("g", Am.Alert("A", "2026-12-03T10:30:00Z", severity: "warning"), b), ct);
        await nova.AssertProjectionEqualsFoldAsync(tenant, id, ct);
        await nova.AlertmanagerOkAsync(service, Am.Message("g", Am.Resolved(b, "2026-12-03T10:45:00Z")), ct);
        await nova.AssertProjectionEqualsFoldAsync(tenant, id, ct);
        using (var note = await nova.ActAsync(id, "notes", ct, note: "watching"))
        {
            await TopologyFixture.EnsureAsync(note, ct);
        }

        using (var ack = await nova.ActAsync(id, "acknowledge", ct))
        {
            await TopologyFixture.EnsureAsync(ack, ct);
        }

        await nova.AssertProjectionEqualsFoldAsync(tenant, id, ct);
        using (var resolve = await nova.ActAsync(id, "resolve", ct))
        {
            await TopologyFixture.EnsureAsync(resolve, ct);
        }

        var detail = await nova.AssertProjectionEqualsFoldAsync(tenant, id, ct);
        Assert.Equal(("resolved", "warning", 3, 0), (detail.Incident.Status, detail.Incident.Severity, detail.Incident.AlertCount, detail.Incident.OpenAlerts));
    }

    /// <summary>A fresh tenant with one triggered incident from an Alertmanager alert.</summary>
    private async Task<(TenantView Tenant, string IncidentId)> IncidentAsync(CancellationToken ct)
    {
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var result = await nova.AlertmanagerOkAsync(service, Am.Message("g", Am.Alert("HighLatency", T1, severity: "critical")), ct);
        return (tenant, Assert.Single(result.Incidents));
    }
}
