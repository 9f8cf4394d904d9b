using System.Security.Cryptography;

namespace Nova.Security;

/// <summary>
/// A region's key-encryption key kept in a file in the data folder: the embedded default
/// key provider. The file holds 32 random bytes in base64 and is readable by its owner only.
/// </summary>
public sealed class KeyFile : IKeyEncryptionKey
{
    private readonly byte[] _key;

    private KeyFile(string path, byte[] key)
    {
        Path = path;
        _key = key;
        KeyId = "file:" + Convert.ToHexStringLower(SHA256.HashData(key))[..16];
    }

    public string Path { get; }

    public string KeyId { get; }

    /// <summary>Loads the key at <paramref name="path"/>, creating it on first use.</summary>
    public static KeyFile LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            var text = File.ReadAllText(path).Trim();
            byte[] key;
            try
            {
                key = Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException($"The key file {path} is not base64; restore it from backup or move it away to start a new data folder.");
            }

            if (key.Length != 32)
            {
                throw new InvalidOperationException($"The key file {path} holds {key.Length} bytes, not 32; restore it from backup.");
            }

            return new KeyFile(path, key);
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var fresh = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.WriteLine(Convert.ToBase64String(fresh));
        }

        return new KeyFile(path, fresh);
    }

    public byte[] Wrap(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> associatedData) =>
        Sealing.Seal(_key, dataKey, associatedData);

    public byte[] Unwrap(ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData) =>
        Sealing.Open(_key, wrapped, associatedData);
}
