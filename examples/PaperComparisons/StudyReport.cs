using System.IO;

namespace PaperComparisons;

public static class StudyReport
{
    public static int Write(StudySettings settings, string docs, TextWriter log) => 0;
}
