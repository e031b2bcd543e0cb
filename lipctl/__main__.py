from lipctl.cli import main

main()
