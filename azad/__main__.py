from azad.cli import main

main()
