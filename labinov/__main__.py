from labinov.cli import main

main()
