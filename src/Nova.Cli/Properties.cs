using System.Runtime.CompilerServices;

// Tests walk the command tree (every option's error is checked) instead of parsing --help.
[assembly: InternalsVisibleTo("Nova.Integration.Tests")]
