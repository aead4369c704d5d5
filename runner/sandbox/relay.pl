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
    exec { $command[0] } @command or print STDERR "$command[0]: $!\n";
    exit 127;
}
# A connection closed under a write is an error to handle, not a reason to stop relaying.
$SIG{PIPE} = 'IGNORE';
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
# One process serves every connection (no fork per connection): each pair of sockets copies both
# ways through buffers, with non-blocking reads and writes (MSG_DONTWAIT), until both sides closed.
my (%handle, %peer, %pending, %done);
sub MSG_DONTWAIT () { 64 }
sub EAGAIN () { 11 }
sub drop {
    my @sides = ($_[0], $peer{$_[0]});
    for my $side (@sides) {
        close $handle{$side} if $handle{$side};
        delete $_->{$side} for \%handle, \%peer, \%pending, \%done;
    }
}
# Once a side has sent everything and its peer has nothing left for it, the peer's writing half closes.
sub settle {
    my ($fd) = @_;
    my $other = $peer{$fd};
    shutdown($handle{$other}, SHUT_WR) if $done{$fd} && !length $pending{$other};
    drop($fd) if $done{$fd} && $done{$other} && !length $pending{$fd} && !length $pending{$other};
}
my $server_fd = fileno $server;
until (defined $status) {
    my ($read, $write) = ('', '');
    vec($read, $server_fd, 1) = 1;
    for my $fd (keys %handle) {
        vec($read, $fd, 1) = 1 unless $done{$fd} || length $pending{$peer{$fd}} > 1 << 20;
        vec($write, $fd, 1) = 1 if length $pending{$fd};
    }
    next if select($read, $write, undef, undef) <= 0; # a signal (SIGCHLD): check the status
    if (vec($read, $server_fd, 1) && accept(my $client, $server)) {
        my $target = inner();
        if ($target) {
            my ($a, $b) = (fileno $client, fileno $target);
            @handle{$a, $b} = ($client, $target);
            @peer{$a, $b} = ($b, $a);
            @pending{$a, $b} = ('', '');
        }
    }
    for my $fd (keys %handle) {
        next unless $handle{$fd};
        if (vec($write, $fd, 1)) {
            my $sent = send($handle{$fd}, $pending{$fd}, MSG_DONTWAIT);
            if (defined $sent) { substr($pending{$fd}, 0, $sent) = '' }
            elsif ($! + 0 != EAGAIN) { drop($fd); next }
            settle($peer{$fd});
        }
        next unless $handle{$fd} && vec($read, $fd, 1);
        my $from = recv($handle{$fd}, my $buffer, 65536, MSG_DONTWAIT);
        if (!defined $from) { drop($fd) unless $! + 0 == EAGAIN; next }
        if (length $buffer) { $pending{$peer{$fd}} .= $buffer }
        else { $done{$fd} = 1; settle($fd) }
    }
}
finish();
