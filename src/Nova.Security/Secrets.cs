using System.Security.Cryptography;
using System.Text;

namespace Nova.Security;

/// <summary>Random identifiers and secrets, and the one-way hashes that are all Nova keeps of them.</summary>
public static class Secrets
{
    private const string Hex = "0123456789abcdef";
    private const string Base32 = "abcdefghijkmnpqrstuvwxyz23456789";

    /// <summary>An integration (routing) key: 32 lowercase hex characters, as PagerDuty senders expect.</summary>
    public static string NewIntegrationKey() => Random(Hex, 32);

    /// <summary>A short unambiguous id with a readable prefix, e.g. <c>ten_k3x9…</c>.</summary>
    public static string NewId(string prefix) => prefix + "_" + Random(Base32, 16);

    /// <summary>
    /// A new API key. The secret is shown once; the store keeps only <see cref="Hash"/> of it.
    /// The key id travels inside the token so a lookup is by id, never by scanning hashes.
    /// </summary>
    public static (string KeyId, string Token, string SecretHash) NewApiKey()
    {
        var keyId = "key_" + Random(Base32, 12);
        var secret = Random(Base32, 32);
        return (keyId, $"nova_{keyId}_{secret}", Hash(secret));
    }

    /// <summary>Splits a token made by <see cref="NewApiKey"/>; false for anything else.</summary>
    public static bool TryParseApiKey(string? token, out string keyId, out string secret)
    {
        keyId = secret = "";
        if (token is null || token.Length > 128 || !token.StartsWith("nova_key_", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = token.AsSpan(5);
        var split = rest.LastIndexOf('_');
        if (split <= 4 || split == rest.Length - 1)
        {
            return false;
        }

        keyId = rest[..split].ToString();
        secret = rest[(split + 1)..].ToString();
        return true;
    }

    /// <summary>
    /// SHA-256 of a high-entropy secret. These secrets are random (≥ 128 bits), so a slow
    /// password hash would add latency to every request without adding safety.
    /// </summary>
    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Constant-time comparison of two hashes made by <see cref="Hash"/>.</summary>
    public static bool HashEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    private static string Random(string alphabet, int length) =>
        RandomNumberGenerator.GetString(alphabet, length);
}
