// The commands under test seed and draw from libtorch's one global random generator (the initial weights come from it,
// as in PyTorch): two test classes training or sampling at once would draw from each other's seeded stream, and
// "one seed gives one run" failed that way in CI once. A command runs alone in its own process, so only the tests
// need this.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
