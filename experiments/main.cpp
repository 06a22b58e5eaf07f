#include "experiments/cli.h"

int main(int argc, char** argv) { return experiments::cli_main(argc, argv); }
