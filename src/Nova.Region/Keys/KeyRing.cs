using System.Collections.Concurrent;
using Dapper;
using Nova.Security;
using Nova.Storage;

namespace Nova.Region.Keys;

/// <summary>
/// The data keys of this region, one per tenant, wrapped by the region's key-encryption key.
/// Unwrapped keys live only in memory.
/// </summary>
public sealed class KeyRing(string region, IKeyEncryptionKey kek, SqliteDatabase database)
{
    private readonly ConcurrentDictionary<string, DataKey> _keys = new(StringComparer.Ordinal);

    /// <summary>
    /// The tenant's data key, made and committed on first use. It is committed in its own
    /// transaction before any data is sealed with it, so no sealed value can outlive a key
    /// that was rolled back.
    /// </summary>
    public async Task<DataKey> EnsureAsync(string tenantId, GroupCommitWriter writer, CancellationToken ct)
    {
        if (Find(tenantId) is { } key)
        {
            return key;
        }

        await writer.WriteAsync((connection, transaction) => connection.Execute(
            "INSERT INTO data_keys (tenant_id, kek_id, wrapped, created_at) VALUES (@tenantId, @kekId, @wrapped, @at) ON CONFLICT (tenant_id) DO NOTHING",
            new { tenantId, kekId = kek.KeyId, wrapped = kek.Wrap(DataKey.NewKeyMaterial(), DataKey.WrapContext(tenantId, region)), at = DateTimeOffset.UtcNow.ToString("O") },
            transaction), ct);
        return Find(tenantId) ?? throw new InvalidOperationException($"The data key of tenant {tenantId} was not stored.");
    }

    /// <summary>The tenant's key for a writer; <see cref="EnsureAsync"/> must have run for the tenant.</summary>
    public DataKey For(string tenantId) =>
        Find(tenantId) ?? throw new InvalidOperationException($"No data key for tenant {tenantId}; call EnsureAsync first.");

    /// <summary>For readers: the tenant's key, or null when the tenant has no data here yet.</summary>
    public DataKey? Find(string tenantId)
    {
        if (_keys.TryGetValue(tenantId, out var key))
        {
            return key;
        }

        using var connection = database.Open();
        var wrapped = connection.QuerySingleOrDefault<byte[]>("SELECT wrapped FROM data_keys WHERE tenant_id = @tenantId", new { tenantId });
        return wrapped is null ? null : _keys.GetOrAdd(tenantId, new DataKey(tenantId, region, kek.Unwrap(wrapped, DataKey.WrapContext(tenantId, region))));
    }
}
