namespace Nova.Storage;

/// <summary>
/// Holds a role's data folder for one process: two processes writing the same SQLite files
/// and rewriting each other's catalog would break both. The lock is an exclusive open of a
/// file (flock on Linux), released when the process exits, however it exits.
/// </summary>
public sealed class DataFolderLock : IDisposable
{
    private readonly FileStream _stream;

    private DataFolderLock(FileStream stream) => _stream = stream;

    public static DataFolderLock Acquire(string folder)
    {
        Directory.CreateDirectory(folder);
        // The lock file stays empty (an exclusive open cannot be read by others); the owner's
        // pid goes next to it, for the error message.
        var path = Path.Combine(folder, "nova.lock");
        var pidPath = Path.Combine(folder, "nova.pid");
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            File.WriteAllText(pidPath, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return new DataFolderLock(stream);
        }
        catch (IOException)
        {
            throw new InvalidOperationException(InUse(folder, ReadOwner(pidPath)));
        }
    }

    public static string InUse(string folder, string owner) =>
        $"The data folder {folder} is in use by another Nova process (pid {owner}); stop it, or pass another --data.";

    /// <summary>
    /// The pid of the process holding <paramref name="folder"/> ("?" when it cannot be read),
    /// or null when no process holds it. Creates nothing: a check before starting.
    /// </summary>
    public static string? Holder(string folder)
    {
        var path = Path.Combine(folder, "nova.lock");
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return null;
        }
        catch (IOException)
        {
            return ReadOwner(Path.Combine(folder, "nova.pid"));
        }
        catch (UnauthorizedAccessException)
        {
            // Another user's Nova: not ours to open, and held as far as this one can tell.
            return "?";
        }
    }

    private static string ReadOwner(string pidPath)
    {
        try
        {
            return File.ReadAllText(pidPath).Trim();
        }
        catch (IOException)
        {
            return "?";
        }
    }

    public void Dispose() => _stream.Dispose();
}
