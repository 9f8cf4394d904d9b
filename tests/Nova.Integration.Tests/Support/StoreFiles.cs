using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Nova.Integration.Tests.Support;

/// <summary>Looks into the stores on disk, past the APIs, the way an auditor of residency would.</summary>
internal static class StoreFiles
{
    public static string RegionDatabasePath(string dataFolder, string region) =>
        Path.Combine(dataFolder, "regions", region, $"region-{region}.db");

    public static string ControlDatabasePath(string dataFolder) => Path.Combine(dataFolder, "control", "control.db");

    /// <summary>
    /// Runs a scalar query on a database file opened read-only and unpooled, so the test
    /// holds no handle after it returns. Committed WAL frames are visible to it.
    /// </summary>
    public static long Count(string databasePath, string sql, object parameters)
    {
        Assert.True(File.Exists(databasePath), databasePath + " does not exist");
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 5,
        }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection.ExecuteScalar<long>(sql, parameters);
    }

    /// <summary>The database file with its WAL and shared-memory companions, those that exist.</summary>
    public static IReadOnlyList<string> DatabaseFiles(string databasePath) =>
        new[] { databasePath, databasePath + "-wal", databasePath + "-shm" }.Where(File.Exists).ToList();

    /// <summary>
    /// Every file under <paramref name="folder"/>, recursively, but the empty lock files a
    /// running role holds exclusively (they cannot be opened while it runs).
    /// </summary>
    public static IReadOnlyList<string> AllFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "nova.lock" || new FileInfo(f).Length > 0)
            .ToList();

    /// <summary>
    /// The files whose bytes contain <paramref name="text"/> in UTF-8, UTF-16LE or UTF-16BE.
    /// Files are read with sharing, so running hosts can keep them open.
    /// </summary>
    public static IReadOnlyList<string> FilesContaining(IEnumerable<string> files, string text)
    {
        var needles = new[] { Encoding.UTF8.GetBytes(text), Encoding.Unicode.GetBytes(text), Encoding.BigEndianUnicode.GetBytes(text) };
        var found = new List<string>();
        foreach (var file in files)
        {
            var bytes = ReadShared(file);
            if (needles.Any(n => bytes.AsSpan().IndexOf(n) >= 0))
            {
                found.Add(file);
            }
        }

        return found;
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
