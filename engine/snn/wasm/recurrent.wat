;; The recurrent LIF network's step (engine/snn/recurrent.ts), WebAssembly SIMD. Compiled by
;; scripts/build-snn-wasm.mjs into recurrent-wasm.generated.ts. Two exports:
;;  - update: one step of a block of neurons (n4 of them, ids from base on), four at a time: four xoshiro128** streams in the i32x4
;;    lanes (lane L draws for neurons L, L+4, ...), the drive from a table by the draw's top 10
;;    bits, exact integration of the membrane in f64x2, threshold, reset, refractory counters;
;;    appends the spiking neurons' ids (ascending) and returns how many fired.
;;  - propagate: the spiking neurons' CSR rows added into the next step's input (f64 += f32).
;; The JavaScript fallback in recurrent.ts does the same operations in the same order, so both
;; give the same spikes bit for bit.
(module
  ;; Shared: with two threads, each runs its block of neurons on the same memory.
  (import "env" "memory" (memory 1 65536 shared))

  ;; The drive for a draw u whose table bucket straddles a step of the CDF: smallest k with
  ;; u < cdf[k] (the table's last entry is 2^33, so the search stops), times wIn.
  (func $slowDrive (param $u i32) (param $pCdf i32) (param $wIn f64) (result f64)
    (local $k i32)
    (local $uf f64)
    (local.set $uf (f64.convert_i32_u (local.get $u)))
    (block $done
      (loop $search
        (br_if $done (f64.lt (local.get $uf) (f64.load (i32.add (local.get $pCdf) (i32.shl (local.get $k) (i32.const 3))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $search)))
    (f64.mul (f64.convert_i32_u (local.get $k)) (local.get $wIn)))

  ;; The drive of one lane: table[u >>> 22], or the exact search where the table says -1.
  (func $drive (param $u i32) (param $pTab i32) (param $pCdf i32) (param $wIn f64) (result f64)
    (local $d f64)
    (local.set $d (f64.load (i32.add (local.get $pTab) (i32.shl (i32.shr_u (local.get $u) (i32.const 22)) (i32.const 3)))))
    (if (result f64) (f64.lt (local.get $d) (f64.const 0))
      (then (call $slowDrive (local.get $u) (local.get $pCdf) (local.get $wIn)))
      (else (local.get $d))))

  (func (export "update")
    (param $n4 i32) (param $pV i32) (param $pIn i32) (param $pRef i32) (param $pRng i32)
    (param $pTab i32) (param $pCdf i32) (param $pSpk i32) (param $base i32)
    (param $beta f64) (param $vTh f64) (param $vReset f64) (param $refSteps i32) (param $wIn f64)
    (result i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $m v128) (local $u v128) (local $t v128) (local $idx v128)
    (local $r v128) (local $isRef v128) (local $skip v128)
    (local $isRef01 v128) (local $isRef23 v128) (local $skip01 v128) (local $skip23 v128)
    (local $d01 v128) (local $d23 v128) (local $v01 v128) (local $v23 v128)
    (local $x01 v128) (local $x23 v128) (local $spk01 v128) (local $spk23 v128)
    (local $betaV v128) (local $thV v128) (local $resetV v128) (local $refV v128)
    (local $i i32) (local $o4 i32) (local $o8 i32) (local $fired i32) (local $mask i32)
    (local.set $s0 (v128.load (local.get $pRng)))
    (local.set $s1 (v128.load offset=16 (local.get $pRng)))
    (local.set $s2 (v128.load offset=32 (local.get $pRng)))
    (local.set $s3 (v128.load offset=48 (local.get $pRng)))
    (local.set $betaV (f64x2.splat (local.get $beta)))
    (local.set $thV (f64x2.splat (local.get $vTh)))
    (local.set $resetV (f64x2.splat (local.get $vReset)))
    (local.set $refV (i32x4.splat (local.get $refSteps)))
    (block $end
      (loop $group
        (br_if $end (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $o4 (i32.shl (local.get $i) (i32.const 2)))
        (local.set $o8 (i32.shl (local.get $i) (i32.const 3)))
        ;; xoshiro128**: u = rotl(s1 * 5, 7) * 9, then the state transition, in four lanes.
        (local.set $m (i32x4.mul (local.get $s1) (v128.const i32x4 5 5 5 5)))
        (local.set $u (i32x4.mul
          (v128.or (i32x4.shl (local.get $m) (i32.const 7)) (i32x4.shr_u (local.get $m) (i32.const 25)))
          (v128.const i32x4 9 9 9 9)))
        (local.set $t (i32x4.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (v128.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (v128.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (v128.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (v128.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (v128.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (v128.or (i32x4.shl (local.get $s3) (i32.const 11)) (i32x4.shr_u (local.get $s3) (i32.const 21))))
        ;; The drive of the four neurons (V): table[u >>> 22] by lane (byte offsets u >>> 22 << 3),
        ;; then, rarely, the exact search for lanes whose bucket straddles a step of the CDF.
        (local.set $idx (i32x4.shl (i32x4.shr_u (local.get $u) (i32.const 22)) (i32.const 3)))
        (local.set $d01 (f64x2.replace_lane 1
          (f64x2.splat (f64.load (i32.add (local.get $pTab) (i32x4.extract_lane 0 (local.get $idx)))))
          (f64.load (i32.add (local.get $pTab) (i32x4.extract_lane 1 (local.get $idx))))))
        (local.set $d23 (f64x2.replace_lane 1
          (f64x2.splat (f64.load (i32.add (local.get $pTab) (i32x4.extract_lane 2 (local.get $idx)))))
          (f64.load (i32.add (local.get $pTab) (i32x4.extract_lane 3 (local.get $idx))))))
        (if (v128.any_true (v128.or
              (f64x2.lt (local.get $d01) (v128.const f64x2 0 0))
              (f64x2.lt (local.get $d23) (v128.const f64x2 0 0))))
          (then
            (local.set $d01 (f64x2.replace_lane 1
              (f64x2.splat (call $drive (i32x4.extract_lane 0 (local.get $u)) (local.get $pTab) (local.get $pCdf) (local.get $wIn)))
              (call $drive (i32x4.extract_lane 1 (local.get $u)) (local.get $pTab) (local.get $pCdf) (local.get $wIn))))
            (local.set $d23 (f64x2.replace_lane 1
              (f64x2.splat (call $drive (i32x4.extract_lane 2 (local.get $u)) (local.get $pTab) (local.get $pCdf) (local.get $wIn)))
              (call $drive (i32x4.extract_lane 3 (local.get $u)) (local.get $pTab) (local.get $pCdf) (local.get $wIn))))))
        ;; Refractory counters: r > 0 drops this step's input, r > 1 also skips integration.
        (local.set $r (v128.load (i32.add (local.get $pRef) (local.get $o4))))
        (local.set $isRef (i32x4.gt_s (local.get $r) (v128.const i32x4 0 0 0 0)))
        (local.set $skip (i32x4.gt_s (local.get $r) (v128.const i32x4 1 1 1 1)))
        (local.set $r (i32x4.add (local.get $r) (local.get $isRef)))
        (local.set $isRef01 (i64x2.extend_low_i32x4_s (local.get $isRef)))
        (local.set $isRef23 (i64x2.extend_high_i32x4_s (local.get $isRef)))
        (local.set $skip01 (i64x2.extend_low_i32x4_s (local.get $skip)))
        (local.set $skip23 (i64x2.extend_high_i32x4_s (local.get $skip)))
        ;; x = beta ((v + input) + drive), or beta v while refractory, or v while skipped.
        (local.set $v01 (v128.load (i32.add (local.get $pV) (local.get $o8))))
        (local.set $v23 (v128.load offset=16 (i32.add (local.get $pV) (local.get $o8))))
        (local.set $x01 (f64x2.mul (local.get $betaV) (v128.bitselect
          (local.get $v01)
          (f64x2.add (f64x2.add (local.get $v01) (v128.load (i32.add (local.get $pIn) (local.get $o8)))) (local.get $d01))
          (local.get $isRef01))))
        (local.set $x23 (f64x2.mul (local.get $betaV) (v128.bitselect
          (local.get $v23)
          (f64x2.add (f64x2.add (local.get $v23) (v128.load offset=16 (i32.add (local.get $pIn) (local.get $o8)))) (local.get $d23))
          (local.get $isRef23))))
        (local.set $x01 (v128.bitselect (local.get $v01) (local.get $x01) (local.get $skip01)))
        (local.set $x23 (v128.bitselect (local.get $v23) (local.get $x23) (local.get $skip23)))
        ;; Threshold (v > v_th, never while skipped), reset, refractory counter.
        (local.set $spk01 (v128.andnot (f64x2.gt (local.get $x01) (local.get $thV)) (local.get $skip01)))
        (local.set $spk23 (v128.andnot (f64x2.gt (local.get $x23) (local.get $thV)) (local.get $skip23)))
        (v128.store (i32.add (local.get $pV) (local.get $o8))
          (v128.bitselect (local.get $resetV) (local.get $x01) (local.get $spk01)))
        (v128.store offset=16 (i32.add (local.get $pV) (local.get $o8))
          (v128.bitselect (local.get $resetV) (local.get $x23) (local.get $spk23)))
        (v128.store (i32.add (local.get $pIn) (local.get $o8)) (v128.const i64x2 0 0))
        (v128.store offset=16 (i32.add (local.get $pIn) (local.get $o8)) (v128.const i64x2 0 0))
        (local.set $mask (i32.or (i64x2.bitmask (local.get $spk01))
          (i32.shl (i64x2.bitmask (local.get $spk23)) (i32.const 2))))
        (v128.store (i32.add (local.get $pRef) (local.get $o4))
          (v128.bitselect (local.get $refV) (local.get $r)
            (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $spk01) (local.get $spk23))))
        ;; Rare: append the ids that fired, in ascending order.
        (if (local.get $mask)
          (then
            (loop $bits
              (i32.store (i32.add (local.get $pSpk) (i32.shl (local.get $fired) (i32.const 2)))
                (i32.add (i32.add (local.get $base) (local.get $i)) (i32.ctz (local.get $mask))))
              (local.set $fired (i32.add (local.get $fired) (i32.const 1)))
              (local.set $mask (i32.and (local.get $mask) (i32.sub (local.get $mask) (i32.const 1))))
              (br_if $bits (local.get $mask)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $group)))
    (v128.store (local.get $pRng) (local.get $s0))
    (v128.store offset=16 (local.get $pRng) (local.get $s1))
    (v128.store offset=32 (local.get $pRng) (local.get $s2))
    (v128.store offset=48 (local.get $pRng) (local.get $s3))
    (local.get $fired))

  ;; input[target[k]] += weight[k] for the rows of the `fired` neurons in spiking[]; returns the
  ;; number of synaptic events (the rows' total length).
  (func (export "propagate")
    (param $fired i32) (param $pSpk i32) (param $pRow i32) (param $pTgt i32) (param $pW i32) (param $pIn i32)
    (result i32)
    (local $f i32) (local $row i32) (local $k i32) (local $end i32) (local $events i32) (local $a i32)
    (block $doneSpikes
      (loop $spikes
        (br_if $doneSpikes (i32.ge_u (local.get $f) (local.get $fired)))
        (local.set $row (i32.add (local.get $pRow)
          (i32.shl (i32.load (i32.add (local.get $pSpk) (i32.shl (local.get $f) (i32.const 2)))) (i32.const 2))))
        (local.set $k (i32.load (local.get $row)))
        (local.set $end (i32.load offset=4 (local.get $row)))
        (local.set $events (i32.add (local.get $events) (i32.sub (local.get $end) (local.get $k))))
        (block $doneRow
          (loop $synapses
            (br_if $doneRow (i32.ge_u (local.get $k) (local.get $end)))
            (local.set $a (i32.add (local.get $pIn)
              (i32.shl (i32.load (i32.add (local.get $pTgt) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 3))))
            (f64.store (local.get $a) (f64.add (f64.load (local.get $a))
              (f64.promote_f32 (f32.load (i32.add (local.get $pW) (i32.shl (local.get $k) (i32.const 2)))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $synapses)))
        (local.set $f (i32.add (local.get $f) (i32.const 1)))
        (br $spikes)))
    (local.get $events))
)
