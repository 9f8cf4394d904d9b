// The end-to-end tests start whole topologies of processes; on a shared 2-core machine
// running them one at a time keeps their deadlines meaningful.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
