#!/usr/bin/perl
# The port relay of a plugin without network_access (runner/sandbox/port-relay.ts starts it; it
# joins the sandbox's network namespace and nothing else of the sandbox: it sees the host's files,
# the plugin does not see it). It waits until the plugin listens
# on 127.0.0.1:PORT of the sandbox's loopback, then accepts connections on the Unix socket SOCKET
# (in a private folder of the host) and pipes each to that port. The socket appearing is the host's
# signal that the plugin is ready. It exits when its standard input closes (the host stopped it or
# died). Perl (Debian's essential perl-base) starts in a few milliseconds; the relay loads no module
# beyond strict (Socket's shared library, warnings and constant each cost more than the relay's own
# start): the few socket constants below are Linux's, and the sandbox is Linux-only.
#
# Usage: perl relay.pl SOCKET PORT [NETNS SETNS]
use strict;

my ($path, $port, $netns, $setns) = @ARGV;
die "usage: relay.pl SOCKET PORT [NETNS SETNS]\n" unless defined $path && defined $port;
# With NETNS (/proc/PID/ns/net of the sandbox) and SETNS (the setns system call's number on this
# architecture), the relay joins that network namespace itself: first the user namespace that owns
# it (NS_GET_USERNS; bubblewrap may nest a second one inside for the plugin, whose capabilities would
# not reach the network namespace), then the network namespace. This works unprivileged too.
if (defined $netns) {
    open(my $net, '<', $netns) or die "relay: $netns: $!\n";
    my $owner = ioctl($net, 0xb701, 0) or die "relay: NS_GET_USERNS: $!\n";
    syscall($setns, $owner + 0, 0x10000000) == 0 or die "relay: cannot join the sandbox's user namespace: $!\n";
    syscall($setns, fileno($net), 0x40000000) == 0 or die "relay: cannot join the sandbox's network: $!\n";
}
# The socket is bound under a temporary name and renamed once it listens (below): 4 more bytes.
die "relay: socket path too long: $path\n" if length($path) > 103;
# A connection closed under a write is an error to handle, not a reason to stop relaying.
$SIG{PIPE} = 'IGNORE';
sub AF_UNIX () { 1 }
sub AF_INET () { 2 }
sub SOCK_STREAM () { 1 }
sub SHUT_WR () { 1 }
# struct sockaddr_in for 127.0.0.1:PORT and struct sockaddr_un for the socket's path.
my $inner_address = pack('S n C4 x8', AF_INET, $port, 127, 0, 0, 1);
my $outer_address = pack('S a108', AF_UNIX, "$path.new");

# A connection to the plugin's port on the sandbox's loopback, or undef.
sub inner {
    socket(my $socket, AF_INET, SOCK_STREAM, 0) or return undef;
    return connect($socket, $inner_address) ? $socket : undef;
}

# True once standard input has closed: the host wants the relay gone.
sub stopped {
    my ($bits) = @_;
    return 0 unless vec($bits, 0, 1);
    return !sysread(STDIN, my $ignored, 512);
}

# Until the plugin listens: try its port every millisecond (a refused connection on loopback costs
# a few microseconds), and leave when the host closes standard input.
for (;;) {
    my $probe = inner();
    if ($probe) {
        close $probe;
        last;
    }
    my $stdin = '';
    vec($stdin, 0, 1) = 1;
    my $ready = select(my $readable = $stdin, undef, undef, 0.001);
    exit 0 if $ready > 0 && stopped($readable);
}

# The socket appears at its path only once it listens: bound under a temporary name, then renamed
# (a connection to a socket bound but not yet listening would be refused).
socket(my $server, AF_UNIX, SOCK_STREAM, 0) or die "relay: socket: $!\n";
bind($server, $outer_address) or die "relay: cannot listen on $path: $!\n";
listen($server, 64) or die "relay: listen: $!\n";
rename("$path.new", $path) or die "relay: cannot rename $path.new: $!\n";

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
for (;;) {
    my ($read, $write) = ('', '');
    vec($read, 0, 1) = 1;
    vec($read, $server_fd, 1) = 1;
    for my $fd (keys %handle) {
        vec($read, $fd, 1) = 1 unless $done{$fd} || length $pending{$peer{$fd}} > 1 << 20;
        vec($write, $fd, 1) = 1 if length $pending{$fd};
    }
    next if select($read, $write, undef, undef) <= 0;
    exit 0 if stopped($read);
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
