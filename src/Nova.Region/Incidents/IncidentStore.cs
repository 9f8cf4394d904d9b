using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Nova.Contracts;
using Nova.Core.Ids;
using Nova.Core.Incidents;
using Nova.Core.Model;
using Nova.Region.Ingest;
using Nova.Region.Keys;
using Nova.Security;
using Nova.Storage;

namespace Nova.Region.Incidents;

/// <summary>
/// The region's incident store: alerts in, incidents out. Every write goes through the
/// group-commit writer, so a 2xx means the events are committed (durability invariant).
/// </summary>
public sealed class IncidentStore(
    RegionOptions options,
    SqliteDatabase database,
    GroupCommitWriter writer,
    KeyRing keys,
    TimeProvider time)
{
    private readonly EventIdGenerator _ids = new(time);
    private readonly HybridLogicalClock _clock = new(time);
    private readonly OpenGroups _groups = Enlisted(writer, new OpenGroups());

    private static T Enlisted<T>(GroupCommitWriter writer, T state)
        where T : IWriterState
    {
        writer.Enlist(state);
        return state;
    }

    /// <summary>
    /// Moves the clock past every event already stored (the last appended has the highest
    /// timestamp: the clock is monotonic), so events appended after a restart
    /// (even with the wall clock stepped back) order after the ones before it.
    /// </summary>
    public void ResumeClock()
    {
        using var c = database.Open();
        if (c.ExecuteScalar<string?>("SELECT hlc FROM events ORDER BY seq DESC LIMIT 1") is { } last && HlcTimestamp.TryParse(last, out var stamp))
        {
            _clock.Observe(stamp);
        }
    }

    public sealed record Context(string? Actor, string RequestId);

    // ---- ingest ------------------------------------------------------------------------

    public async Task<IngestResult> IngestAlertmanagerAsync(ServiceDoc service, string integrationId, AlertmanagerMessage message, string requestId, CancellationToken ct)
    {
        var key = await keys.EnsureAsync(service.TenantId, writer, ct);
        // Firing alerts first: a notification is its group's state at one instant, and
        // Alertmanager orders alerts by labels, not status. Applied in body order, a resolve
        // listed before a firing alert of the same group would end the incident and the
        // firing one would open a second incident.
        var alerts = message.Alerts.OrderBy(a => a.Status == AlertStatuses.Firing ? 0 : 1).Select(a => Prepare(key, a)).ToList();
        var groupIndex = message.GroupKey is null ? null : key.BlindIndex("group:" + message.GroupKey);
        return await writer.WriteAsync((c, tx) =>
        {
            var w = Writer(c, tx, service, integrationId);
            int opened = 0, updated = 0, resolved = 0, ignored = 0;
            var touched = new List<string>();
            foreach (var alert in alerts)
            {
                var outcome = alert.Firing is { } firing
                    ? Fire(w, alert, firing, groupIndex)
                    : ResolveAlert(w, alert.Index, alert.Episode, alert.Alert.EndsAt, ResolveReasons.Source);
                switch (outcome.Kind)
                {
                    case Outcome.Opened: opened++; break;
                    case Outcome.Updated: updated++; break;
                    case Outcome.Resolved: resolved++; break;
                    default: ignored++; break;
                }

                if (outcome.IncidentId is { } id && !touched.Contains(id))
                {
                    touched.Add(id);
                }
            }

            w.Flush();
            AuditLog.Write(c, tx, new AuditLog.Entry(integrationId, service.TenantId, "ingest.alertmanager", "service:" + service.Id, requestId,
                $"success: {Alerts(message.Alerts.Count)}, {opened} opened, {updated} updated, {resolved} resolved, {ignored} ignored"), w.Now);
            return new IngestResult("success", message.Alerts.Count, opened, updated, resolved, ignored, touched);
        }, ct);
    }

    public async Task<string> IngestPagerDutyAsync(ServiceDoc service, string integrationId, PagerDutyEvent e, string requestId, CancellationToken ct)
    {
        await keys.EnsureAsync(service.TenantId, writer, ct);
        return await writer.WriteAsync((c, tx) =>
        {
            var w = Writer(c, tx, service, integrationId);
            // A trigger without dedup_key gets one, returned to the sender for later updates.
            var dedupKey = e.DedupKey ?? _ids.Next().ToLowerInvariant();
            var index = w.Key.BlindIndex("pd:" + dedupKey);
            var (open, _) = AlertRows.Find(w, index);
            Result outcome;
            switch (e.Action)
            {
                case "trigger" when open is { } row:
                    // A re-trigger updates the open alert when what the sender says of it changed
                    // (summary, severity, details); an identical one only shows it is alive.
                    var digest = Digest(w, e);
                    if (row.Digest == digest)
                    {
                        w.Touch(row);
                        outcome = new(Outcome.Ignored, row.IncidentId);
                        break;
                    }

                    var state = w.Load(row.IncidentId)!;
                    state = w.Append(state, EventKinds.AlertUpdated, new EventBody { AlertKey = row.AlertKey, Summary = e.Summary, Severity = e.Severity, Labels = e.Details });
                    w.SetAlertStatus(row, AlertStatuses.Firing, e.Severity);
                    w.SetAlertDigest(row, digest);
                    w.Save(state);
                    outcome = new(Outcome.Updated, row.IncidentId);
                    break;
                case "trigger":
                    var episode = _ids.Next();
                    var alertKey = index[..16] + ":" + episode;
                    var incident = w.Open(e.Summary!, e.Severity!, "pagerduty", null);
                    incident = w.Append(incident, EventKinds.AlertFired, new EventBody
                    {
                        AlertKey = alertKey,
                        Identity = dedupKey,
                        Summary = e.Summary,
                        Severity = e.Severity,
                        Labels = e.Details,
                        StartsAt = e.Timestamp ?? w.Now,
                    });
                    w.AddAlert(index, episode, incident.Id, alertKey, e.Severity!, Digest(w, e));
                    w.Save(incident);
                    outcome = new(Outcome.Opened, incident.Id);
                    break;
                case "acknowledge" when open is { } row:
                    var acked = w.Load(row.IncidentId)!;
                    if (acked.Status == IncidentStatuses.Triggered)
                    {
                        w.Save(w.Append(acked, EventKinds.Acknowledged, new EventBody { Reason = ResolveReasons.Source }));
                        outcome = new(Outcome.Updated, row.IncidentId);
                    }
                    else
                    {
                        outcome = new(Outcome.Ignored, row.IncidentId);
                    }

                    break;
                case "resolve" when open is { } row:
                    outcome = ResolveAlert(w, index, row.Episode, null, ResolveReasons.Source);
                    break;
                default:
                    // PagerDuty: acknowledge/resolve of an unknown key changes nothing and still succeeds.
                    outcome = new(Outcome.Ignored, null);
                    break;
            }

            AuditLog.Write(c, tx, new AuditLog.Entry(integrationId, service.TenantId, "ingest.pagerduty." + e.Action,
                outcome.IncidentId is null ? "service:" + service.Id : "incident:" + outcome.IncidentId, requestId, "success: " + outcome.Kind.ToString().ToLowerInvariant()), w.Now);
            return dedupKey;
        }, ct);
    }

    /// <summary>A keyed hash of what a PagerDuty trigger says of its alert: no content at rest.</summary>
    private static string Digest(IncidentWriter w, PagerDutyEvent e) =>
        w.Key.BlindIndex("pd-digest:" + e.Severity + "\n" + e.Summary + "\n" + string.Join("\n", e.Details.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => d.Key + "=" + d.Value)));

    private enum Outcome
    {
        Opened,
        Updated,
        Resolved,
        Ignored,
    }

    private readonly record struct Result(Outcome Kind, string? IncidentId);

    /// <summary>
    /// What ingest works out before it queues for the single writer, on the request's own
    /// thread: the blind index and episode, and for a firing alert its event bodies already
    /// serialized. The writer then only looks up, seals and writes.
    /// </summary>
    private sealed record PreparedAlert(WebhookAlert Alert, string Index, string Episode, FiringAlert? Firing);

    private sealed record FiringAlert(string Severity, string Summary, EventBody Body, string BodyJson, string OpenedJson);

    private static PreparedAlert Prepare(DataKey key, WebhookAlert alert)
    {
        var index = key.BlindIndex("am:" + alert.Fingerprint);
        var episode = alert.StartsAt.UtcTicks.ToString(CultureInfo.InvariantCulture);
        if (alert.Status != AlertStatuses.Firing)
        {
            return new(alert, index, episode, null);
        }

        var severity = Severities.FromLabel(alert.Labels.GetValueOrDefault("severity"));
        var summary = alert.Title();
        var body = new EventBody
        {
            AlertKey = index[..16] + ":" + episode,
            Identity = alert.Fingerprint,
            Summary = summary,
            Severity = severity,
            Labels = alert.Labels,
            Annotations = alert.Annotations,
            StartsAt = alert.StartsAt,
            Link = alert.GeneratorUrl is { Length: > 0 } url ? url : null,
        };
        return new(alert, index, episode, new FiringAlert(severity, summary, body, IncidentWriter.Serialize(body),
            IncidentWriter.Serialize(IncidentWriter.OpenedBody(summary, severity, "alertmanager"))));
    }

    private Result Fire(IncidentWriter w, PreparedAlert prepared, FiringAlert firing, string? groupIndex)
    {
        var (alert, index, episode) = (prepared.Alert, prepared.Index, prepared.Episode);
        var (previous, seen) = AlertRows.Find(w, index, episode);
        if (seen is not null)
        {
            // A repeat (repeat_interval, a retry) of an episode already known: idempotent.
            // It still shows the alert is alive, which the staleness rule needs.
            if (seen.Status == AlertStatuses.Firing)
            {
                w.Touch(seen);
            }

            return new(Outcome.Ignored, seen.IncidentId);
        }

        string? incidentId = null;
        if (previous is not null)
        {
            // An older episode delivered after a newer one (an HA peer or a retry lagging
            // behind) is stale news: superseding would end the episode that is really firing.
            if (long.TryParse(previous.Episode, NumberStyles.None, CultureInfo.InvariantCulture, out var openTicks) && openTicks > alert.StartsAt.UtcTicks)
            {
                return new(Outcome.Ignored, previous.IncidentId);
            }

            // The same fingerprint fires with a new startsAt while an older episode is still
            // open here: its resolve was lost. End the old episode; the new one joins the
            // same incident if that is still open.
            var state = w.Load(previous.IncidentId)!;
            state = w.Append(state, EventKinds.AlertResolved, new EventBody { AlertKey = previous.AlertKey, Reason = ResolveReasons.Superseded, EndsAt = alert.StartsAt });
            w.SetAlertStatus(previous, AlertStatuses.Resolved);
            w.Save(state);
            if (state.IsOpen)
            {
                incidentId = state.Id;
            }
        }

        if (incidentId is null && groupIndex is not null)
        {
            incidentId = w.IncidentOfGroup(groupIndex);
        }

        var alertKey = firing.Body.AlertKey!;
        if (incidentId is not null)
        {
            var state = w.Load(incidentId)!;
            state = w.Append(state, EventKinds.AlertFired, firing.Body, firing.BodyJson);
            w.AddAlert(index, episode, incidentId, alertKey, firing.Severity);
            w.Stage(state);
            return new(Outcome.Updated, incidentId);
        }

        var incident = w.Open(firing.Summary, firing.Severity, "alertmanager", groupIndex, firing.OpenedJson);
        incident = w.Append(incident, EventKinds.AlertFired, firing.Body, firing.BodyJson);
        w.AddAlert(index, episode, incident.Id, alertKey, firing.Severity);
        w.Stage(incident);
        return new(Outcome.Opened, incident.Id);
    }

    /// <summary>A resolve closes only the alert episode it names; an unknown one changes nothing.</summary>
    private static Result ResolveAlert(IncidentWriter w, string index, string episode, DateTimeOffset? endsAt, string reason)
    {
        var known = AlertRows.Find(w, index, episode).Episode;
        if (known is not { Status: AlertStatuses.Firing } row)
        {
            // A repeat of a resolve names the incident it closed, as a repeat of a firing alert does.
            return new(Outcome.Ignored, known?.IncidentId);
        }

        var state = w.Load(row.IncidentId)!;
        state = w.Append(state, EventKinds.AlertResolved, new EventBody { AlertKey = row.AlertKey, EndsAt = endsAt ?? w.Now, Reason = reason });
        w.SetAlertStatus(row, AlertStatuses.Resolved);
        state = w.ResolveIfQuiet(state, ResolveReasons.AlertsResolved);
        w.Save(state);
        return new(Outcome.Resolved, row.IncidentId);
    }


    private static string Alerts(int count) => count == 1 ? "1 alert" : $"{count} alerts";

    // ---- staleness ---------------------------------------------------------------------

    /// <summary>Resolves alerts not seen within their service's staleness timeout (off unless set).</summary>
    public async Task<int> SweepStaleAsync(IEnumerable<ServiceDoc> services, CancellationToken ct)
    {
        var total = 0;
        foreach (var service in services)
        {
            if (service.StaleAfterMinutes is not { } minutes)
            {
                continue;
            }

            var cutoff = time.GetUtcNow() - TimeSpan.FromMinutes(minutes);
            total += await writer.WriteAsync((c, tx) =>
            {
                var stale = c.Query<(string AlertIndex, string Episode)>(
                    "SELECT alert_index, episode FROM alerts WHERE service_id = @id AND status = 'firing' AND last_seen_at < @cutoff LIMIT 500",
                    new { id = service.Id, cutoff = cutoff.ToString("O") }, tx).AsList();
                if (stale.Count == 0)
                {
                    return 0;
                }

                var w = Writer(c, tx, service, "nova:staleness");
                foreach (var (alertIndex, episode) in stale)
                {
                    ResolveAlert(w, alertIndex, episode, w.Now, ResolveReasons.Stale);
                }

                AuditLog.Write(c, tx, new AuditLog.Entry("nova:staleness", service.TenantId, "alerts.auto-resolve", "service:" + service.Id, "sweep", $"success: {Alerts(stale.Count)}"), w.Now);
                return stale.Count;
            }, ct);
        }

        return total;
    }

    // ---- actions by people -------------------------------------------------------------

    public enum ActionOutcome
    {
        Done,
        NotFound,
        VersionMismatch,
        Conflict,
        Unchanged,
        WrongRegion,
    }

    public sealed record ActionResult(ActionOutcome Outcome, int Version, string Status, string? Detail = null);

    /// <summary>
    /// Acknowledge, resolve or add a note. <paramref name="ifMatch"/> is the version the person
    /// saw: if the incident moved on, nothing is written (a stale action cannot undo a newer one).
    /// </summary>
    public Task<ActionResult> ActAsync(string? tenantId, ServiceLookup lookup, string incidentId, string action, string? note, int? ifMatch, Context context, CancellationToken ct) =>
        writer.WriteAsync((c, tx) =>
        {
            var serviceId = c.QuerySingleOrDefault<string?>(
                "SELECT service_id FROM incidents WHERE id = @incidentId AND (@tenantId IS NULL OR tenant_id = @tenantId)", new { incidentId, tenantId }, tx);
            if (serviceId is null || lookup(serviceId) is not { } service)
            {
                return new ActionResult(ActionOutcome.NotFound, 0, "");
            }

            if (service.HomeRegion != options.Name)
            {
                // The service has moved: only its home region may write (region affinity).
                return new ActionResult(ActionOutcome.WrongRegion, 0, "", service.HomeRegion);
            }

            var w = Writer(c, tx, service, context.Actor);
            var state = w.Load(incidentId)!;
            ActionResult result;
            switch (action)
            {
                case not null when ifMatch is { } expected && expected != state.Version:
                    // A stale action changes nothing, and is recorded: who tried to do what.
                    result = new(ActionOutcome.VersionMismatch, state.Version, state.Status);
                    break;
                case "acknowledge" when state.Status == IncidentStatuses.Resolved:
                    result = new(ActionOutcome.Conflict, state.Version, state.Status, "The incident is resolved; it cannot be acknowledged.");
                    break;
                case "acknowledge" when state.Status == IncidentStatuses.Acknowledged:
                case "resolve" when state.Status == IncidentStatuses.Resolved:
                    result = new(ActionOutcome.Unchanged, state.Version, state.Status);
                    break;
                case "acknowledge":
                    state = w.Append(state, EventKinds.Acknowledged, new EventBody { Reason = ResolveReasons.Manual });
                    w.Save(state);
                    result = new(ActionOutcome.Done, state.Version, state.Status);
                    break;
                case "resolve":
                    state = w.Append(state, EventKinds.Resolved, new EventBody { Reason = ResolveReasons.Manual });
                    w.ResolveAlertsOf(incidentId);
                    w.Save(state);
                    result = new(ActionOutcome.Done, state.Version, state.Status);
                    break;
                default:
                    state = w.Append(state, EventKinds.NoteAdded, new EventBody { Text = note });
                    w.Save(state);
                    result = new(ActionOutcome.Done, state.Version, state.Status);
                    break;
            }

            AuditLog.Write(c, tx, new AuditLog.Entry(context.Actor, service.TenantId, "incident." + action, "incident:" + incidentId, context.RequestId,
                result.Outcome switch
                {
                    ActionOutcome.Done => "success",
                    ActionOutcome.VersionMismatch => $"version-mismatch: If-Match {ifMatch}, current {result.Version}",
                    _ => result.Outcome.ToString().ToLowerInvariant(),
                }), w.Now);
            return result;
        }, ct);

    /// <summary>Records an action an authenticated caller was refused (a missing role): security teams want to see these.</summary>
    public Task RecordDeniedAsync(string keyId, string? tenantId, string action, string target, string requestId, CancellationToken ct) =>
        writer.WriteAsync((c, tx) =>
        {
            AuditLog.Write(c, tx, new AuditLog.Entry(keyId, tenantId, action, target, requestId, "denied"), time.GetUtcNow());
            return 0;
        }, ct);

    public delegate ServiceDoc? ServiceLookup(string serviceId);

    // ---- reads -------------------------------------------------------------------------

    public sealed record ListFilter(string? Status, string? ServiceId, DateTimeOffset? Since, int Limit, string? Cursor);

    public async Task<IncidentPage> ListAsync(string tenantId, ListFilter filter, Func<string, string> serviceSlug, CancellationToken ct)
    {
        // Keyset paging on (created_at, id), newest first: stable while incidents keep arriving.
        var (cursorAt, cursorId) = filter.Cursor is { } cursor && ParseCursor(cursor) is { } position ? position : (null, null);

        await using var c = database.Open();
        var rows = (await c.QueryAsync<IncidentRow>(new CommandDefinition(
            "SELECT * FROM incidents WHERE tenant_id = @tenantId " +
            "AND (@status IS NULL OR status = @status) AND (@serviceId IS NULL OR service_id = @serviceId) " +
            "AND (@since IS NULL OR created_at >= @since) " +
            "AND (@cursorAt IS NULL OR created_at < @cursorAt OR (created_at = @cursorAt AND id < @cursorId)) " +
            "ORDER BY created_at DESC, id DESC LIMIT @take",
            new { tenantId, status = filter.Status, serviceId = filter.ServiceId, since = filter.Since?.ToUniversalTime().ToString("O"), cursorAt, cursorId, take = filter.Limit + 1 },
            cancellationToken: ct))).AsList();
        var key = keys.Find(tenantId);
        var items = rows.Take(filter.Limit).Select(r => r.ToSummary(key!, options.Name, serviceSlug(r.service_id))).ToList();
        var next = rows.Count > filter.Limit ? Cursor(rows[filter.Limit - 1].created_at, rows[filter.Limit - 1].id) : null;
        return new IncidentPage(items, next);
    }

    /// <summary>An opaque page cursor (base64url), safe in a URL without escaping.</summary>
    private static string Cursor(string createdAt, string id) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(createdAt + "|" + id)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The position a cursor names, or null when it is not one Nova made.</summary>
    public static (string? CreatedAt, string? Id)? ParseCursor(string cursor)
    {
        if (cursor.Length is 0 or > 200)
        {
            return null;
        }

        var text = cursor.Replace('-', '+').Replace('_', '/');
        text = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
        try
        {
            var parts = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(text)).Split('|');
            return parts is [var at, var id] && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.None, out _) && Nova.Core.Ids.EventIds.IsValid(id)
                ? (at, id)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public async Task<IncidentDetail?> GetAsync(string? tenantId, string incidentId, Func<string, string> serviceSlug, CancellationToken ct)
    {
        await using var c = database.Open();
        var row = await c.QuerySingleOrDefaultAsync<IncidentRow>(new CommandDefinition(
            "SELECT * FROM incidents WHERE id = @incidentId AND (@tenantId IS NULL OR tenant_id = @tenantId)", new { incidentId, tenantId }, cancellationToken: ct));
        if (row is null)
        {
            return null;
        }

        var key = keys.Find(row.tenant_id)!;
        var events = await ReadEventsAsync(c, key, incidentId, ct);
        var state = IncidentState.Fold(incidentId, events);
        var summary = row.ToSummary(key, options.Name, serviceSlug(row.service_id));
        var identities = events.Where(e => e.Body.AlertKey is not null && e.Body.Identity is not null)
            .GroupBy(e => e.Body.AlertKey!).ToDictionary(g => g.Key, g => g.First().Body.Identity!);
        var alerts = state.Alerts.Values.Select(a => new IncidentAlertView(
            identities.GetValueOrDefault(a.Key, a.Key), a.Status, a.Summary, a.Severity, a.Labels, a.Annotations, a.StartsAt, a.EndsAt)).ToList();
        var timeline = events.Select(e => new TimelineEntry(e.Id, e.Kind, e.At, e.Hlc, e.OriginRegion, e.Actor, Describe(e, identities))).ToList();
        return new IncidentDetail(summary, row.acknowledged_at is null ? null : Parse(row.acknowledged_at), row.resolved_at is null ? null : Parse(row.resolved_at), alerts, timeline);
    }

    /// <summary>The incident's events, opened, in log order. Also used to check the projection against the fold.</summary>
    public async Task<IReadOnlyList<IncidentEvent>> EventsAsync(string tenantId, string incidentId, CancellationToken ct)
    {
        await using var c = database.Open();
        return keys.Find(tenantId) is { } key ? await ReadEventsAsync(c, key, incidentId, ct) : [];
    }

    private static async Task<List<IncidentEvent>> ReadEventsAsync(SqliteConnection c, DataKey key, string incidentId, CancellationToken ct)
    {
        var rows = await c.QueryAsync<(string Id, string Kind, string Hlc, string OriginRegion, string? Actor, string At, byte[] Body)>(new CommandDefinition(
            "SELECT id, kind, hlc, origin_region, actor, at, body FROM events WHERE incident_id = @incidentId ORDER BY seq", new { incidentId }, cancellationToken: ct));
        return rows.Select(r => new IncidentEvent(
            r.Id, incidentId, r.Kind, r.Hlc, r.OriginRegion, r.Actor, Parse(r.At),
            JsonSerializer.Deserialize<EventBody>(key.Open(r.Body, "event:" + r.Id), IncidentWriter.Json)!)).ToList();
    }

    private static string Describe(IncidentEvent e, IReadOnlyDictionary<string, string> identities)
    {
        var b = e.Body;
        var alert = b.AlertKey is null ? "" : identities.GetValueOrDefault(b.AlertKey, b.AlertKey);
        return e.Kind switch
        {
            EventKinds.Opened => $"Opened: {b.Title} ({b.Severity}, from {b.Source})",
            EventKinds.AlertFired => $"Alert {alert} firing: {b.Summary}",
            EventKinds.AlertUpdated => $"Alert {alert} updated: {b.Summary} ({b.Severity})",
            EventKinds.AlertResolved => $"Alert {alert} resolved ({b.Reason})",
            EventKinds.Acknowledged => b.Reason == ResolveReasons.Source ? "Acknowledged by the sender" : "Acknowledged",
            EventKinds.Resolved => b.Reason switch
            {
                ResolveReasons.AlertsResolved => "Resolved: all alerts resolved",
                ResolveReasons.Manual => "Resolved",
                _ => $"Resolved ({b.Reason})",
            },
            EventKinds.NoteAdded => "Note: " + b.Text,
            _ => e.Kind,
        };
    }

    private IncidentWriter Writer(SqliteConnection c, SqliteTransaction tx, ServiceDoc service, string? actor) =>
        new(c, tx, options.Name, service.TenantId, service.Id, keys.For(service.TenantId), _ids, _clock, _groups, time.GetUtcNow(), actor);

    private static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

#pragma warning disable IDE1006 // mirrors column names for Dapper
    private sealed class IncidentRow
    {
        public string id { get; set; } = "";
        public string tenant_id { get; set; } = "";
        public string service_id { get; set; } = "";
        public string status { get; set; } = "";
        public string severity { get; set; } = "";
        public byte[] title { get; set; } = [];
        public string source { get; set; } = "";
        public int alert_count { get; set; }
        public int open_alerts { get; set; }
        public int version { get; set; }
        public string created_at { get; set; } = "";
        public string updated_at { get; set; } = "";
        public string? acknowledged_at { get; set; }
        public string? resolved_at { get; set; }

        public IncidentSummary ToSummary(DataKey key, string region, string service) => new(
            id, tenant_id, service_id, service, region, status, severity, key.Open(title, "incident:" + id + ":title"),
            alert_count, open_alerts, version, source, Parse(created_at), Parse(updated_at));
    }
#pragma warning restore IDE1006
}
