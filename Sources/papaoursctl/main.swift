import PapaoursCtlKit

#if canImport(Glibc)
import Glibc
#endif

exit(PapaoursCtl.main(arguments: Array(CommandLine.arguments.dropFirst())).rawValue)
