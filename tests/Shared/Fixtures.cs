// Shared by the test projects (linked into each csproj), so every project locates and reads
// the captured sender bodies the same way.
using System.Text.Json;

namespace Nova.Testing;

/// <summary>
/// The captured sender bodies in <c>shared/fixtures</c>, which live beside the repository
/// (at <c>../shared/fixtures</c> from its root) so every worktree replays the same bytes.
/// </summary>
internal static class Fixtures
{
    private static readonly Lazy<string> LazyRoot = new(Locate);

    public static string Root => LazyRoot.Value;

    public static string PathOf(string relativePath) => Path.Combine(Root, relativePath);

    public static JsonDocument Json(string relativePath) =>
        JsonDocument.Parse(File.ReadAllBytes(PathOf(relativePath)));

    /// <summary>Paths relative to <see cref="Root"/> of the JSON fixtures in one folder, sorted.</summary>
    public static IReadOnlyList<string> JsonFiles(string folder) =>
        [.. Directory.GetFiles(PathOf(folder), "*.json")
            .Select(path => Path.GetRelativePath(Root, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];

    /// <summary>The fixtures of one folder as xunit theory rows.</summary>
    public static TheoryData<string> Theory(string folder) => [.. JsonFiles(folder)];

    // Walks up from the test binaries rather than trusting the working directory, which
    // differs between `dotnet test`, IDEs and CI.
    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "fixtures"), Path.Combine(dir.FullName, "..", "shared", "fixtures") })
            {
                if (Directory.Exists(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        throw new DirectoryNotFoundException($"No shared/fixtures folder above {AppContext.BaseDirectory}.");
    }
}
