#!/usr/bin/perl
# Runs INSIDE a sandbox that has a network namespace of its own (runner/sandbox/launch.ts):
# starts the plugin, waits until it listens on 127.0.0.1:PORT of the sandbox's loopback, then
# accepts connections on a Unix socket (a file the host also sees) and pipes each to that port.
# The socket appearing is the host's signal that the plugin is ready. Exits with the plugin's
# status; passes SIGTERM, SIGINT and SIGHUP on to it. Perl (Debian's essential perl-base) starts
# in a few milliseconds, which keeps the sandbox's start-up cost low.
#
# Usage: perl relay.pl SOCKET PORT COMMAND [ARGS...]
use strict;
use warnings;

my ($path, $port, @command) = @ARGV;
die "usage: relay.pl SOCKET PORT COMMAND [ARGS...]\n" unless defined $path && defined $port && @command;

# The plugin first, so that it starts while the relay loads what it needs.
my $plugin = fork() // die "fork: $!\n";
if ($plugin == 0) {
    exec { $command[0] } @command;
    print STDERR "$command[0]: $!\n";
    exit 127;
}
require Socket;
Socket->import(qw(AF_INET AF_UNIX SOCK_STREAM SHUT_WR inet_aton pack_sockaddr_in pack_sockaddr_un));
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
    socket(my $socket, AF_INET(), SOCK_STREAM(), 0) or return undef;
    return connect($socket, pack_sockaddr_in($port, inet_aton('127.0.0.1'))) ? $socket : undef;
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
                shutdown($other{$fd}, SHUT_WR());
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
    my $probe = inner();
    if ($probe) {
        close $probe;
        last;
    }
    select(undef, undef, undef, 0.002);
}
finish() if defined $status;

socket(my $server, AF_UNIX(), SOCK_STREAM(), 0) or die "relay: socket: $!\n";
bind($server, pack_sockaddr_un($path)) or die "relay: cannot listen on $path: $!\n";
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
