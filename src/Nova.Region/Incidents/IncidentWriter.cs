using System.Collections.Immutable;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Nova.Core.Ids;
using Nova.Core.Incidents;
using Nova.Core.Model;
using Nova.Security;

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
    DateTimeOffset now,
    string? actor)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public SqliteConnection Connection => connection;

    public SqliteTransaction Transaction => transaction;

    public DataKey Key => key;

    public DateTimeOffset Now => now;

    public string ServiceId => serviceId;

    /// <summary>Appends one event and returns the state it leads to.</summary>
    public IncidentState Append(IncidentState state, string kind, EventBody body)
    {
        var id = ids.Next();
        var hlc = clock.Now().ToString();
        var sealedBody = key.Seal(JsonSerializer.Serialize(body, Json), "event:" + id);
        connection.Execute(
            "INSERT INTO events (id, tenant_id, service_id, incident_id, kind, hlc, origin_region, actor, at, body) " +
            "VALUES (@id, @tenantId, @serviceId, @incidentId, @kind, @hlc, @region, @actor, @at, @sealedBody)",
            new { id, tenantId, serviceId, incidentId = state.Id, kind, hlc, region, actor, at = now.ToString("O"), sealedBody },
            transaction);
        return state.Apply(new IncidentEvent(id, state.Id, kind, hlc, region, actor, now, body));
    }

    /// <summary>Opens an incident: its first event and its projection row.</summary>
    public IncidentState Open(string title, string severity, string source, string? groupIndex)
    {
        var state = Append(new IncidentState { Id = ids.Next() }, EventKinds.Opened, new EventBody { Title = title, Severity = severity, Source = source });
        connection.Execute(
            "INSERT INTO incidents (id, tenant_id, service_id, status, severity, title, source, alert_count, open_alerts, version, group_index, created_at, updated_at) " +
            "VALUES (@Id, @tenantId, @serviceId, @Status, @Severity, @title, @Source, 0, 0, @Version, @groupIndex, @at, @at)",
            new { state.Id, tenantId, serviceId, state.Status, state.Severity, title = key.Seal(title, "incident:" + state.Id + ":title"), state.Source, state.Version, groupIndex, at = now.ToString("O") },
            transaction);
        return state;
    }

    /// <summary>
    /// The incident's state for further writes: the projection row plus its alerts' status and
    /// severity. Content (titles, labels) is not opened: writes do not need it.
    /// </summary>
    public IncidentState? Load(string incidentId)
    {
        var row = connection.QuerySingleOrDefault<(string Id, string ServiceId, string Status, string Severity, string Source, int Version, string CreatedAt, string UpdatedAt, string? AcknowledgedAt, string? ResolvedAt)>(
            "SELECT id, service_id, status, severity, source, version, created_at, updated_at, acknowledged_at, resolved_at FROM incidents WHERE id = @incidentId AND tenant_id = @tenantId",
            new { incidentId, tenantId }, transaction);
        if (row.Id is null)
        {
            return null;
        }

        var alerts = connection.Query<(string AlertKey, string Status, string Severity)>(
            "SELECT alert_key, status, severity FROM alerts WHERE incident_id = @incidentId", new { incidentId }, transaction);
        var empty = ImmutableDictionary<string, string>.Empty;
        return new IncidentState
        {
            Id = row.Id,
            Status = row.Status,
            Severity = row.Severity,
            Source = row.Source,
            Version = row.Version,
            CreatedAt = Parse(row.CreatedAt),
            UpdatedAt = Parse(row.UpdatedAt),
            AcknowledgedAt = row.AcknowledgedAt is null ? null : Parse(row.AcknowledgedAt),
            ResolvedAt = row.ResolvedAt is null ? null : Parse(row.ResolvedAt),
            Alerts = alerts.ToImmutableSortedDictionary(
                a => a.AlertKey,
                a => new AlertState(a.AlertKey, a.Status, "", a.Severity, empty, empty, default, null),
                StringComparer.Ordinal),
        };
    }

    /// <summary>Writes the projection's changing columns (the title is set once, when opened).</summary>
    public void Save(IncidentState state) =>
        connection.Execute(
            "UPDATE incidents SET status = @Status, severity = @Severity, alert_count = @AlertCount, open_alerts = @OpenAlerts, version = @Version, " +
            "updated_at = @updated, acknowledged_at = @acked, resolved_at = @resolved WHERE id = @Id",
            new
            {
                state.Id, state.Status, state.Severity, state.AlertCount, state.OpenAlerts, state.Version,
                updated = state.UpdatedAt.ToString("O"),
                acked = state.AcknowledgedAt?.ToString("O"),
                resolved = state.ResolvedAt?.ToString("O"),
            },
            transaction);

    public void AddAlert(string alertIndex, string episode, string incidentId, string alertKey, string severity) =>
        connection.Execute(
            "INSERT INTO alerts (service_id, alert_index, episode, incident_id, alert_key, status, severity, last_seen_at) " +
            "VALUES (@serviceId, @alertIndex, @episode, @incidentId, @alertKey, 'firing', @severity, @at)",
            new { serviceId, alertIndex, episode, incidentId, alertKey, severity, at = now.ToString("O") },
            transaction);

    public void SetAlertStatus(string alertKey, string incidentId, string status, string? severity = null) =>
        connection.Execute(
            "UPDATE alerts SET status = @status, severity = COALESCE(@severity, severity), last_seen_at = @at WHERE incident_id = @incidentId AND alert_key = @alertKey",
            new { status, severity, alertKey, incidentId, at = now.ToString("O") },
            transaction);

    /// <summary>Resolving an incident ends its alerts, so the same alert episode cannot reopen it.</summary>
    public void ResolveAlertsOf(string incidentId) =>
        connection.Execute("UPDATE alerts SET status = 'resolved' WHERE incident_id = @incidentId AND status = 'firing'", new { incidentId }, transaction);

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
    public string IncidentId { get; init; } = "";
    public string AlertKey { get; init; } = "";
    public string Episode { get; init; } = "";
    public string Status { get; init; } = "";
}

internal static class AlertRows
{
    public static AlertRow? FindOpen(IncidentWriter w, string alertIndex) =>
        w.Connection.QueryFirstOrDefault<AlertRow>(
            "SELECT incident_id AS IncidentId, alert_key AS AlertKey, episode AS Episode, status AS Status FROM alerts " +
            "WHERE service_id = @serviceId AND alert_index = @alertIndex AND status = 'firing'",
            new { serviceId = w.ServiceId, alertIndex }, w.Transaction);

    public static AlertRow? FindEpisode(IncidentWriter w, string alertIndex, string episode) =>
        w.Connection.QueryFirstOrDefault<AlertRow>(
            "SELECT incident_id AS IncidentId, alert_key AS AlertKey, episode AS Episode, status AS Status FROM alerts " +
            "WHERE service_id = @serviceId AND alert_index = @alertIndex AND episode = @episode",
            new { serviceId = w.ServiceId, alertIndex, episode }, w.Transaction);

    public static void Touch(IncidentWriter w, string alertKey, string incidentId) =>
        w.Connection.Execute(
            "UPDATE alerts SET last_seen_at = @at WHERE incident_id = @incidentId AND alert_key = @alertKey",
            new { at = w.Now.ToString("O"), incidentId, alertKey }, w.Transaction);

    public static string? OpenIncidentOfGroup(IncidentWriter w, string groupIndex) =>
        w.Connection.QueryFirstOrDefault<string?>(
            "SELECT id FROM incidents WHERE service_id = @serviceId AND group_index = @groupIndex AND status <> 'resolved' ORDER BY created_at DESC LIMIT 1",
            new { serviceId = w.ServiceId, groupIndex }, w.Transaction);
}
