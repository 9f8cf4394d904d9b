using System.Collections.Concurrent;
using Dapper;
using Microsoft.Data.Sqlite;
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

    /// <summary>The tenant's data key, made (and stored wrapped) inside the caller's transaction if new.</summary>
    public DataKey For(string tenantId, SqliteConnection connection, SqliteTransaction transaction)
    {
        if (_keys.TryGetValue(tenantId, out var key))
        {
            return key;
        }

        var wrapped = connection.QuerySingleOrDefault<byte[]>("SELECT wrapped FROM data_keys WHERE tenant_id = @tenantId", new { tenantId }, transaction);
        if (wrapped is null)
        {
            var material = DataKey.NewKeyMaterial();
            connection.Execute(
                "INSERT INTO data_keys (tenant_id, kek_id, wrapped, created_at) VALUES (@tenantId, @kekId, @wrapped, @at)",
                new { tenantId, kekId = kek.KeyId, wrapped = kek.Wrap(material, DataKey.WrapContext(tenantId, region)), at = DateTimeOffset.UtcNow.ToString("O") },
                transaction);
            // Cache only after the insert commits would be stricter; a rolled-back insert is
            // harmless because the next call reads nothing and makes a fresh key.
            return new DataKey(tenantId, region, material);
        }

        return _keys.GetOrAdd(tenantId, new DataKey(tenantId, region, kek.Unwrap(wrapped, DataKey.WrapContext(tenantId, region))));
    }

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
