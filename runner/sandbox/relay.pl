#!/usr/bin/perl
# Runs INSIDE a sandbox that has a network namespace of its own (runner/sandbox/launch.ts):
# starts the plugin, waits until it listens on 127.0.0.1:PORT of the sandbox's loopback, then
# accepts connections on a Unix socket (a file the host also sees) and pipes each to that port.
# The socket appearing is the host's signal that the plugin is ready. Exits with the plugin's
# status; passes SIGTERM, SIGINT and SIGHUP on to it. Perl (Debian's essential perl-base) starts
# in a few milliseconds, which keeps the sandbox's start-up cost low. It loads no module beyond
# strict (Socket's shared library, warnings and constant each cost more than the relay's own
# start): the few socket constants below are Linux's, and the sandbox is Linux-only.
#
# Usage: perl relay.pl SOCKET PORT COMMAND [ARGS...]
use strict;

my ($path, $port, @command) = @ARGV;
die "usage: relay.pl SOCKET PORT COMMAND [ARGS...]\n" unless defined $path && defined $port && @command;

# The plugin first, so that it starts while the relay sets up.
my $plugin = fork() // die "fork: $!\n";
if ($plugin == 0) {
    exec { $command[0] } @command;
    print STDERR "$command[0]: $!\n";
    exit 127;
}
sub AF_UNIX () { 1 }
sub AF_INET () { 2 }
sub SOCK_STREAM () { 1 }
sub SHUT_WR () { 1 }
die "relay: socket path too long: $path\n" if length($path) > 107;
# struct sockaddr_in for 127.0.0.1:PORT and struct sockaddr_un for the socket's path.
my $inner_address = pack('S n C4 x8', AF_INET, $port, 127, 0, 0, 1);
my $outer_address = pack('S a108', AF_UNIX, $path);
my $status;
$SIG{CHLD} = sub {
    # 1 is WNOHANG on Linux (the POSIX module costs more start-up time than the relay).
    while ((my $pid = waitpid(-1, 1)) > 0) {
        $status = $? if $pid == $plugin;
    }
};
for my $signal (qw(TERM INT HUP)) {
    $SIG{$signal} = sub { kill $signal, $plugin };
}

sub finish {
    exit(($status & 127) ? 128 + ($status & 127) : $status >> 8);
}

# A connection to the plugin's port on the sandbox's loopback, or undef.
sub inner {
    socket(my $socket, AF_INET, SOCK_STREAM, 0) or return undef;
    return connect($socket, $inner_address) ? $socket : undef;
}

# Copies both ways until both sides have closed.
sub splice_both {
    my ($a, $b) = @_;
    my %other = (fileno($a) => $b, fileno($b) => $a);
    my %handle = (fileno($a) => $a, fileno($b) => $b);
    while (%handle) {
        my $bits = '';
        vec($bits, $_, 1) = 1 for keys %handle;
        my $ready = select(my $out = $bits, undef, undef, undef);
        next if $ready < 0;
        for my $fd (keys %handle) {
            next unless vec($out, $fd, 1);
            my $read = sysread($handle{$fd}, my $buffer, 65536);
            if (!$read) {
                shutdown($other{$fd}, SHUT_WR);
                delete $handle{$fd};
                next;
            }
            my $offset = 0;
            while ($offset < $read) {
                my $written = syswrite($other{$fd}, $buffer, $read - $offset, $offset);
                return unless defined $written;
                $offset += $written;
            }
        }
    }
}

until (defined $status) {
    # Also reaps here: a plugin that exits before the SIGCHLD handler is set is not missed.
    $status = $? if waitpid($plugin, 1) == $plugin;
    last if defined $status;
    my $probe = inner();
    if ($probe) {
        close $probe;
        last;
    }
    select(undef, undef, undef, 0.001);
}
finish() if defined $status;

socket(my $server, AF_UNIX, SOCK_STREAM, 0) or die "relay: socket: $!\n";
bind($server, $outer_address) or die "relay: cannot listen on $path: $!\n";
listen($server, 64) or die "relay: listen: $!\n";
until (defined $status) {
    accept(my $client, $server) or next;
    my $pid = fork();
    if (defined $pid && $pid == 0) {
        $SIG{$_} = 'DEFAULT' for qw(CHLD TERM INT HUP);
        close $server;
        my $target = inner() or exit 1;
        splice_both($client, $target);
        exit 0;
    }
    close $client;
}
finish();
