using Dapper;
using Microsoft.Data.Sqlite;
using Nova.Contracts;

namespace Nova.Storage;

/// <summary>
/// An audit log (the control plane's or a region's; both have the same <c>audit</c> table):
/// who did what to which target, when, with which request id, and how it ended.
/// </summary>
public sealed class AuditLog(SqliteDatabase database)
{
    public sealed record Entry(string? Actor, string? TenantId, string Action, string Target, string RequestId, string Outcome);

    /// <summary>Writes inside the caller's transaction, so the record commits with the change it describes.</summary>
    public static void Write(SqliteConnection connection, SqliteTransaction transaction, Entry entry, DateTimeOffset at) =>
        connection.Prepared(transaction,
            "INSERT INTO audit (at, actor, tenant_id, action, target, request_id, outcome) VALUES (@at, @Actor, @TenantId, @Action, @Target, @RequestId, @Outcome)",
            "@at", "@Actor", "@TenantId", "@Action", "@Target", "@RequestId", "@Outcome")
            .Bind(at.ToString("O"), entry.Actor, entry.TenantId, entry.Action, entry.Target, entry.RequestId, entry.Outcome)
            .ExecuteNonQuery();

    public async Task<IReadOnlyList<AuditRecordView>> ReadAsync(string? tenantId, long after, int limit, CancellationToken ct)
    {
        await using var connection = database.Open();
        var rows = await connection.QueryAsync<(long Seq, string At, string? Actor, string Action, string Target, string RequestId, string Outcome)>(new CommandDefinition(
            "SELECT seq, at, actor, action, target, request_id, outcome FROM audit WHERE seq > @after AND (@tenantId IS NULL OR tenant_id = @tenantId) ORDER BY seq LIMIT @limit",
            new { tenantId, after, limit }, cancellationToken: ct));
        return rows.Select(r => new AuditRecordView(r.Seq, DateTimeOffset.Parse(r.At, System.Globalization.CultureInfo.InvariantCulture), r.Actor, r.Action, r.Target, r.RequestId, r.Outcome)).ToList();
    }
}
