namespace Nova.Security;

/// <summary>
/// A region's key-encryption key. Implementations: a key file (embedded default); later an
/// HSM over PKCS#11 or a customer-managed key. Data keys never leave a region unwrapped.
/// </summary>
public interface IKeyEncryptionKey
{
    /// <summary>Names the key so a wrapped data key records which key wrapped it.</summary>
    string KeyId { get; }

    byte[] Wrap(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> associatedData);

    byte[] Unwrap(ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData);
}
