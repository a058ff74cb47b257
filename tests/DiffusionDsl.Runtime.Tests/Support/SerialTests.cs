// Networks draw their initial weights, and dropout its masks, from torch's global generator: tests that seed it
// and build a model must not interleave with other tests drawing from it, or "the same seed" gives other weights.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
