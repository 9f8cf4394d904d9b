using System.Security.Cryptography;
using System.Text;

namespace Nova.Security;

/// <summary>
/// AES-256-GCM with a fixed layout: version (1 byte) | nonce (12) | tag (16) | ciphertext.
/// The associated data binds a sealed value to where it belongs (tenant, region, record), so
/// a value copied to another row or region does not open.
/// </summary>
public static class Sealing
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int Overhead = 1 + NonceSize + TagSize;

    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        using var aes = NewCipher(key);
        return Seal(aes, plaintext, associatedData);
    }

    public static byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedValue, ReadOnlySpan<byte> associatedData)
    {
        using var aes = NewCipher(key);
        return Open(aes, sealedValue, associatedData);
    }

    /// <summary>A cipher for <see cref="Seal(AesGcm, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>: AES-256-GCM with Nova's tag size.</summary>
    public static AesGcm NewCipher(ReadOnlySpan<byte> key) => new(key, TagSize);

    /// <summary>Seals with a cipher made by <see cref="NewCipher"/> (not shared between threads while in use).</summary>
    public static byte[] Seal(AesGcm aes, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var output = new byte[Overhead + plaintext.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        aes.Encrypt(nonce, plaintext, output.AsSpan(Overhead), output.AsSpan(1 + NonceSize, TagSize), associatedData);
        return output;
    }

    /// <summary>Opens with a cipher made by <see cref="NewCipher"/> (not shared between threads while in use).</summary>
    public static byte[] Open(AesGcm aes, ReadOnlySpan<byte> sealedValue, ReadOnlySpan<byte> associatedData)
    {
        if (sealedValue.Length < Overhead || sealedValue[0] != Version)
        {
            throw new CryptographicException("The sealed value is not in Nova's format (version 1).");
        }

        var plaintext = new byte[sealedValue.Length - Overhead];
        aes.Decrypt(sealedValue.Slice(1, NonceSize), sealedValue[Overhead..], sealedValue.Slice(1 + NonceSize, TagSize), plaintext, associatedData);
        return plaintext;
    }

    /// <summary>The associated data for a value: its parts joined unambiguously.</summary>
    public static byte[] Context(params ReadOnlySpan<string> parts)
    {
        var builder = new StringBuilder("nova");
        foreach (var part in parts)
        {
            builder.Append('|').Append(part.Length).Append(':').Append(part);
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }
}
