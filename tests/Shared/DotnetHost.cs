// Shared by the test projects that start nova.dll as a child process (linked into each csproj).
using System.Runtime.InteropServices;

namespace Nova.Testing;

internal static class DotnetHost
{
    /// <summary>
    /// The <c>dotnet</c> host that runs nova.dll: the one running these tests when it can be
    /// found (so the child uses the same runtime), else <c>dotnet</c> on PATH.
    /// </summary>
    public static string Path
    {
        get
        {
            var fromCli = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(fromCli) && File.Exists(fromCli))
            {
                return fromCli;
            }

            // .../dotnet/shared/Microsoft.NETCore.App/10.0.x/ -> .../dotnet/dotnet
            var root = System.IO.Path.GetFullPath(System.IO.Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
            var candidate = System.IO.Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
            return File.Exists(candidate) ? candidate : "dotnet";
        }
    }
}
