#include "cli/cli.h"

int main(int argc, char **argv)
{
	return nook_cli_main(argc, argv);
}
