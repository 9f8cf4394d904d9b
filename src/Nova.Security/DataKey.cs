using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Nova.Security;

/// <summary>
/// An unwrapped data key for one (tenant, region). Seals customer content, and derives a
/// separate key for blind indexes (keyed hashes of lookup keys such as a PagerDuty
/// dedup_key), so the store can find a row by a customer string without storing it in clear.
/// </summary>
public sealed class DataKey
{
    private readonly byte[] _key;
    private readonly byte[] _indexKey;
    private readonly string _tenantId;
    private readonly string _region;

    // Ciphers keep the expanded key schedule; making one per value cost more than sealing it.
    // A cipher is used by one thread at a time: taken from the pool, returned after use.
    private readonly ConcurrentBag<AesGcm> _ciphers = [];

    public DataKey(string tenantId, string region, byte[] key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("A data key is 32 bytes.", nameof(key));
        }

        _tenantId = tenantId;
        _region = region;
        _key = key;
        _indexKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, info: Encoding.UTF8.GetBytes("nova blind index v1"));
    }

    public static byte[] NewKeyMaterial() => RandomNumberGenerator.GetBytes(32);

    public static byte[] WrapContext(string tenantId, string region) => Sealing.Context("dek", tenantId, region);

    public byte[] Seal(string plaintext, string record)
    {
        var aes = Rent();
        try
        {
            return Sealing.Seal(aes, Encoding.UTF8.GetBytes(plaintext), Sealing.Context(_tenantId, _region, record));
        }
        finally
        {
            _ciphers.Add(aes);
        }
    }

    public string Open(byte[] sealedValue, string record)
    {
        var aes = Rent();
        try
        {
            return Encoding.UTF8.GetString(Sealing.Open(aes, sealedValue, Sealing.Context(_tenantId, _region, record)));
        }
        finally
        {
            _ciphers.Add(aes);
        }
    }

    private AesGcm Rent() => _ciphers.TryTake(out var aes) ? aes : Sealing.NewCipher(_key);

    /// <summary>A keyed hash of a lookup key, stable for this tenant and region.</summary>
    public string BlindIndex(string value) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_indexKey, Encoding.UTF8.GetBytes(value)))[..32];
}
