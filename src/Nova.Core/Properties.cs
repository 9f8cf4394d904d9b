using System.Runtime.CompilerServices;

// Tests reach a few internal seams (e.g. a fixed random source) instead of widening the public API.
[assembly: InternalsVisibleTo("Nova.Core.Tests")]
