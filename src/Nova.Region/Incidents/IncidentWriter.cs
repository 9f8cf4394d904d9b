using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nova.Core.Ids;
using Nova.Core.Incidents;
using Nova.Core.Model;
using Nova.Security;
using Nova.Storage;

namespace Nova.Region.Incidents;

/// <summary>
/// One tenant's writes inside one transaction of the group-commit writer: appends sealed
/// events and keeps the projection equal to the fold of those events.
/// </summary>
internal sealed class IncidentWriter(
    SqliteConnection connection,
    SqliteTransaction transaction,
    string region,
    string tenantId,
    string serviceId,
    DataKey key,
    EventIdGenerator ids,
    HybridLogicalClock clock,
    OpenGroups groups,
    DateTimeOffset now,
    string? actor)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>An event body as it is sealed.</summary>
    public static string Serialize(EventBody body) => JsonSerializer.Serialize(body, Json);

    /// <summary>The body of an incident's first event.</summary>
    public static EventBody OpenedBody(string title, string severity, string source) => new() { Title = title, Severity = severity, Source = source };

    private string? _nowText;
    private readonly Dictionary<string, (byte[] SealedTitle, string? GroupIndex)> _opened = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IncidentState> _loaded = new(StringComparer.Ordinal);
    private readonly HashSet<string> _staged = new(StringComparer.Ordinal);

    public SqliteConnection Connection => connection;

    public SqliteTransaction Transaction => transaction;

    public DataKey Key => key;

    public DateTimeOffset Now => now;

    /// <summary><see cref="Now"/> as stored (round-trip format), formatted once per writer.</summary>
    public string NowText => _nowText ??= now.ToString("O");

    public string ServiceId => serviceId;

    /// <summary>
    /// Appends one event and returns the state it leads to. <paramref name="json"/> is the
    /// body already serialized (<see cref="Serialize"/>), when the caller did that before it
    /// queued for the writer.
    /// </summary>
    public IncidentState Append(IncidentState state, string kind, EventBody body, string? json = null)
    {
        var id = ids.Next();
        var hlc = clock.Now().ToString();
        var sealedBody = key.Seal(json ?? Serialize(body), "event:" + id);
        connection.Prepared(transaction,
            "INSERT INTO events (id, tenant_id, service_id, incident_id, kind, hlc, origin_region, actor, at, body) " +
            "VALUES (@id, @tenantId, @serviceId, @incidentId, @kind, @hlc, @region, @actor, @at, @sealedBody)",
            "@id", "@tenantId", "@serviceId", "@incidentId", "@kind", "@hlc", "@region", "@actor", "@at", "@sealedBody")
            .Bind(id, tenantId, serviceId, state.Id, kind, hlc, region, actor, NowText, sealedBody)
            .ExecuteNonQuery();
        return state.Apply(new IncidentEvent(id, state.Id, kind, hlc, region, actor, now, body));
    }

    /// <summary>
    /// Opens an incident: its first event. Its projection row is written by the first
    /// <see cref="Save"/>, once the item knows the incident's state (one INSERT, not an INSERT
    /// and an UPDATE).
    /// </summary>
    public IncidentState Open(string title, string severity, string source, string? groupIndex, string? json = null)
    {
        var state = Append(new IncidentState { Id = ids.Next() }, EventKinds.Opened, OpenedBody(title, severity, source), json);
        _opened[state.Id] = (key.Seal(title, "incident:" + state.Id + ":title"), groupIndex);
        if (groupIndex is not null)
        {
            groups.Opened(state.Id, serviceId, groupIndex);
        }

        return state;
    }

    /// <summary>
    /// The incident's state for further writes: the projection row plus its alerts' status and
    /// severity. Content (titles, labels) is not opened: writes do not need it.
    /// </summary>
    public IncidentState? Load(string incidentId)
    {
        // A message often names several alerts of one incident (Alertmanager sends a whole
        // group): its state is read once per write, then kept as Save leaves it.
        if (_loaded.TryGetValue(incidentId, out var known))
        {
            return known;
        }

        IncidentState state;
        using (var reader = connection.Prepared(transaction,
            "SELECT id, service_id, status, severity, source, version, created_at, updated_at, acknowledged_at, resolved_at FROM incidents WHERE id = @incidentId AND tenant_id = @tenantId",
            "@incidentId", "@tenantId").Bind(incidentId, tenantId).ExecuteReader())
        {
            if (!reader.Read())
            {
                return null;
            }

            state = new IncidentState
            {
                Id = reader.GetString(0),
                Status = reader.GetString(2),
                Severity = reader.GetString(3),
                Source = reader.GetString(4),
                Version = reader.GetInt32(5),
                CreatedAt = Parse(reader.GetString(6)),
                UpdatedAt = Parse(reader.GetString(7)),
                AcknowledgedAt = reader.IsDBNull(8) ? null : Parse(reader.GetString(8)),
                ResolvedAt = reader.IsDBNull(9) ? null : Parse(reader.GetString(9)),
            };
            if (reader.Read())
            {
                throw new InvalidOperationException("Sequence contains more than one element");
            }
        }

        var alerts = new List<(string AlertKey, string Status, string Severity)>();
        using (var reader = connection.Prepared(transaction, "SELECT alert_key, status, severity FROM alerts WHERE incident_id = @incidentId", "@incidentId")
            .Bind(incidentId).ExecuteReader())
        {
            while (reader.Read())
            {
                alerts.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        var empty = ImmutableDictionary<string, string>.Empty;
        return _loaded[incidentId] = state with
        {
            Alerts = alerts.ToImmutableSortedDictionary(
                a => a.AlertKey,
                a => new AlertState(a.AlertKey, a.Status, "", a.Severity, empty, empty, default, null),
                StringComparer.Ordinal),
        };
    }

    /// <summary>
    /// Writes the projection row: all of it for an incident <see cref="Open"/>ed by this writer
    /// and not saved yet, else its changing columns (the title is set once, when opened).
    /// </summary>
    public void Save(IncidentState state)
    {
        _loaded[state.Id] = state;
        _staged.Remove(state.Id);
        if (!state.IsOpen)
        {
            groups.Closed(state.Id);
        }

        if (_opened.Remove(state.Id, out var opened))
        {
            connection.Prepared(transaction,
                "INSERT INTO incidents (id, tenant_id, service_id, status, severity, title, source, alert_count, open_alerts, version, group_index, created_at, updated_at, acknowledged_at, resolved_at) " +
                "VALUES (@Id, @tenantId, @serviceId, @Status, @Severity, @title, @Source, @AlertCount, @OpenAlerts, @Version, @groupIndex, @created, @updated, @acked, @resolved)",
                "@Id", "@tenantId", "@serviceId", "@Status", "@Severity", "@title", "@Source", "@AlertCount", "@OpenAlerts", "@Version", "@groupIndex", "@created", "@updated", "@acked", "@resolved")
                .Bind(state.Id, tenantId, serviceId, state.Status, state.Severity, opened.SealedTitle, state.Source, state.AlertCount, state.OpenAlerts, state.Version,
                    opened.GroupIndex, NowText, state.UpdatedAt.ToString("O"), state.AcknowledgedAt?.ToString("O"), state.ResolvedAt?.ToString("O"))
                .ExecuteNonQuery();
            return;
        }

        connection.Prepared(transaction,
            "UPDATE incidents SET status = @Status, severity = @Severity, alert_count = @AlertCount, open_alerts = @OpenAlerts, version = @Version, " +
            "updated_at = @updated, acknowledged_at = @acked, resolved_at = @resolved WHERE id = @Id",
            "@Id", "@Status", "@Severity", "@AlertCount", "@OpenAlerts", "@Version", "@updated", "@acked", "@resolved")
            .Bind(state.Id, state.Status, state.Severity, state.AlertCount, state.OpenAlerts, state.Version,
                state.UpdatedAt.ToString("O"), state.AcknowledgedAt?.ToString("O"), state.ResolvedAt?.ToString("O"))
            .ExecuteNonQuery();
    }

    /// <summary>
    /// Keeps the incident's new state for <see cref="Flush"/> instead of writing it now: a
    /// message that adds a group of alerts to one incident writes its row once, not per alert.
    /// </summary>
    public void Stage(IncidentState state)
    {
        _loaded[state.Id] = state;
        _staged.Add(state.Id);
    }

    /// <summary>Writes every staged incident row. A write that stages must flush before it returns.</summary>
    public void Flush()
    {
        foreach (var id in _staged.ToList())
        {
            Save(_loaded[id]);
        }
    }

    /// <summary>The open incident of an Alertmanager group (its blind index), or null: the newest if several are open.</summary>
    public string? IncidentOfGroup(string groupIndex) => groups.Newest(serviceId, groupIndex);

    public void AddAlert(string alertIndex, string episode, string incidentId, string alertKey, string severity, string? digest = null) =>
        connection.Prepared(transaction,
            "INSERT INTO alerts (service_id, alert_index, episode, incident_id, alert_key, status, severity, last_seen_at, digest) " +
            "VALUES (@serviceId, @alertIndex, @episode, @incidentId, @alertKey, 'firing', @severity, @at, @digest)",
            "@serviceId", "@alertIndex", "@episode", "@incidentId", "@alertKey", "@severity", "@at", "@digest")
            .Bind(serviceId, alertIndex, episode, incidentId, alertKey, severity, NowText, digest)
            .ExecuteNonQuery();

    public void SetAlertDigest(AlertRow row, string digest) =>
        connection.Prepared(transaction,
            "UPDATE alerts SET digest = @digest, last_seen_at = @at WHERE service_id = @serviceId AND alert_index = @alertIndex AND episode = @episode",
            "@digest", "@at", "@serviceId", "@alertIndex", "@episode")
            .Bind(digest, NowText, serviceId, row.AlertIndex, row.Episode)
            .ExecuteNonQuery();

    public void SetAlertStatus(AlertRow row, string status, string? severity = null) =>
        connection.Prepared(transaction,
            "UPDATE alerts SET status = @status, severity = COALESCE(@severity, severity), last_seen_at = @at " +
            "WHERE service_id = @serviceId AND alert_index = @alertIndex AND episode = @episode",
            "@status", "@severity", "@at", "@serviceId", "@alertIndex", "@episode")
            .Bind(status, severity, NowText, serviceId, row.AlertIndex, row.Episode)
            .ExecuteNonQuery();

    /// <summary>Shows the alert episode is alive (the staleness rule reads it).</summary>
    public void Touch(AlertRow row) =>
        connection.Prepared(transaction,
            "UPDATE alerts SET last_seen_at = @at WHERE service_id = @serviceId AND alert_index = @alertIndex AND episode = @episode",
            "@at", "@serviceId", "@alertIndex", "@episode")
            .Bind(NowText, serviceId, row.AlertIndex, row.Episode)
            .ExecuteNonQuery();

    /// <summary>Resolving an incident ends its alerts, so the same alert episode cannot reopen it.</summary>
    public void ResolveAlertsOf(string incidentId) =>
        connection.Prepared(transaction, "UPDATE alerts SET status = 'resolved' WHERE incident_id = @incidentId AND status = 'firing'", "@incidentId")
            .Bind(incidentId).ExecuteNonQuery();

    /// <summary>Ends an incident whose last open alert just resolved.</summary>
    public IncidentState ResolveIfQuiet(IncidentState state, string reason)
    {
        if (state.IsOpen && state.AlertCount > 0 && state.OpenAlerts == 0)
        {
            state = Append(state, EventKinds.Resolved, new EventBody { Reason = reason });
        }

        return state;
    }

    private static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Alert identity rows as found by a lookup.</summary>
internal sealed record AlertRow
{
    public string AlertIndex { get; init; } = "";
    public string IncidentId { get; init; } = "";
    public string AlertKey { get; init; } = "";
    public string Episode { get; init; } = "";
    public string Status { get; init; } = "";

    public string? Digest { get; init; }
}

internal static class AlertRows
{
    /// <summary>
    /// The rows of one alert identity that a write needs: the open episode (at most one is
    /// open: a new episode ends the one before it) and, when given, the episode named. One
    /// read of the identity's rows, which lie side by side in the table's key order.
    /// </summary>
    public static (AlertRow? Open, AlertRow? Episode) Find(IncidentWriter w, string alertIndex, string? episode = null)
    {
        AlertRow? open = null, named = null;
        using var reader = w.Connection.Prepared(w.Transaction,
            "SELECT incident_id, alert_key, episode, status, digest FROM alerts " +
            "WHERE service_id = @serviceId AND alert_index = @alertIndex AND (status = 'firing' OR episode = @episode)",
            "@serviceId", "@alertIndex", "@episode").Bind(w.ServiceId, alertIndex, episode).ExecuteReader();
        while (reader.Read())
        {
            var row = new AlertRow { AlertIndex = alertIndex, IncidentId = reader.GetString(0), AlertKey = reader.GetString(1), Episode = reader.GetString(2), Status = reader.GetString(3), Digest = reader.IsDBNull(4) ? null : reader.GetString(4) };
            if (row.Status == AlertStatuses.Firing)
            {
                open = row;
            }

            if (row.Episode == episode)
            {
                named = row;
            }
        }

        return (open, named);
    }
}
